package engine

import "testing"

// TestVerdictSentence checks the sentence a report prints as it is: the
// terminal's sanitizing is the TUI's business (tui/sequence tests it).
func TestVerdictSentence(t *testing.T) {
	v := Verdict{Type: AbuseSecurityCrawler, Confidence: 0.9, Evidence: 12, Detectors: []DetectorResult{
		{Name: "scanner_user_agent", Value: 1, Explain: `scanner user agent: "<script>" is sqlmap`},
		{Name: "request_rate", Value: 11.6774, Baseline: 0.5, Unit: "req/s"},
	}}
	want := `security crawler, 90% confidence, on 12 requests: request rate 11.7 req/s, 23× the baseline of 0.5 req/s; "<script>" is sqlmap`
	if got := v.Sentence(); got != want {
		t.Errorf("Sentence() =\n %q\nwant\n %q", got, want)
	}
}
