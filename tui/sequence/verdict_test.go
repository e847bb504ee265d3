package sequence

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestSentence(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    engine.Verdict
		want string
	}{
		{
			"measurements before a user agent",
			engine.Verdict{Type: engine.AbuseSecurityCrawler, Confidence: 0.9, Detectors: []engine.DetectorResult{
				{Name: "scanner_user_agent", Value: 1, Explain: `scanner user agent: "sqlmap/1.8" is sqlmap, a security testing tool`},
				{Name: "attack_tags", Value: 3550, Unit: "count", Explain: "attack tags on the session's requests 3,550, against a baseline of 0 (fires at ≥ 3)"},
				{Name: "request_rate", Value: 11.6774, Baseline: 0.5, Unit: "req/s"},
			}},
			`security crawler, 90% confidence: 3,550 attack tags, against a baseline of 0; request rate 11.7 req/s, 23× the baseline of 0.5 req/s; "sqlmap/1.8" is sqlmap, a security testing tool`,
		},
		{
			"evidence, shares, bytes and seconds",
			engine.Verdict{Type: engine.AbuseResourceConsumption, Confidence: 0.655, Evidence: 1200, Detectors: []engine.DetectorResult{
				{Name: "auth_failures", Value: 0.5, Baseline: 0.05, Unit: "share"},
				{Name: "response_bytes", Value: 3 << 20, Baseline: 2048, Unit: "bytes"},
				{Name: "latency", Value: 0.0378, Baseline: 0.03, Unit: "s"},
				{Name: "interval_regularity", Value: 0.1953, Baseline: 1, Unit: "cv"},
			}},
			"resource consumption, 66% confidence, on 1,200 requests: auth failures 50%, 10× the baseline of 5%; response bytes 3 MiB, 1,536× the baseline of 2 KiB; latency 37.8 ms, against a baseline of 30 ms; interval regularity 0.2, against a baseline of 1",
		},
		{"no detectors", engine.Verdict{Type: engine.AbuseDeclaredCrawler, Confidence: 1}, "declared crawler, 100% confidence"},
		{
			"hostile explanation",
			engine.Verdict{Type: "suspicious", Confidence: 0.5, Detectors: []engine.DetectorResult{{Name: "ua", Value: 1, Explain: "ua: \x1b[2Jgone"}}},
			`suspicious, 50% confidence: \x1b[2Jgone`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sentence(tc.v); got != tc.want {
				t.Errorf("Sentence =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
