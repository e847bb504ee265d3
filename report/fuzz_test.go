package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// FuzzReport renders a session whose every stored value is fuzzed: no
// panic, the HTML parses and holds no <script, and a Markdown table row
// stays one line.
func FuzzReport(f *testing.F) {
	f.Add("/search", "q="+xssPayload, "sqlmap/1.8", xssPayload, "req.query.q", "`|<b>", []byte(`{"a":"</pre><script>x()</script>"}`), 200)
	f.Add("/a\r\nb", "", "", "", "", "", []byte{0xff, 0xfe, 0}, 0)
	f.Add("/]]></svg><script>", "x=`````", "<!--", "-->", "\"'", "\u2028", []byte("\x00\x1b[2J"), 599)
	f.Fuzz(func(t *testing.T, path, query, ua, fragment, point, user string, body []byte, status int) {
		src := attackerSource()
		xs := src.exchanges["abc123-1"]
		xs[1].Path, xs[1].Query, xs[1].Status = path, query, status
		xs[1].ReqHeaders = append(xs[1].ReqHeaders, engine.Header{Name: ua, Value: fragment})
		xs[1].ReqBody = engine.Body{Data: body, Size: int64(len(body))}
		xs[1].RespBody = engine.Body{Data: body, Size: int64(len(body)) + 1, Truncated: true}
		xs[1].Attacks = []engine.AttackTag{{Type: fragment, Point: point, Rule: user, Fragment: fragment, Message: ua}}
		xs[1].Context = map[string]string{point: user}
		xs[1].Flows = []string{user}
		xs[1].Start = xs[1].Start.Add(time.Duration(status) * time.Hour)
		s := src.sessions["abc123-1"]
		s.User, s.Role, s.Actor, s.KeyPoint = user, fragment, ua, point
		s.UserAgents = []string{ua}
		s.Attacks = map[string]int{fragment: 1}
		s.Flows = map[string]int{user: 1}
		s.Abuse = []engine.Verdict{{Type: user, Detectors: []engine.DetectorResult{{Name: ua, Explain: fragment}}}}
		src.sessions["abc123-1"] = s
		for _, format := range []Format{HTML, Markdown} {
			var b bytes.Buffer
			opts := Options{Format: format, Now: fixtureNow, Version: ua, Filter: query, Config: engine.DefaultConfig()}
			if err := Write(&b, src, []string{"abc123-1"}, opts); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := b.String()
			if format == HTML {
				if strings.Contains(strings.ToLower(out), "<script") {
					t.Fatalf("html holds <script")
				}
				if _, elements, _ := htmlFacts(t, out); elements["script"] > 0 || elements["details"] != len(xs) {
					t.Fatalf("html parses to %d scripts and %d requests", elements["script"], elements["details"])
				}
				continue
			}
			for line := range strings.SplitSeq(out, "\n") {
				if strings.HasPrefix(line, "| ") && !strings.HasSuffix(line, "|") {
					t.Fatalf("markdown table row broken: %q", line)
				}
			}
		}
	})
}
