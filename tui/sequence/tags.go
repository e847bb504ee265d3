package sequence

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/stats"
	"github.com/spoorhq/spoor/tui/table"
)

// sessionWide are the attack types said once in the header instead of on
// every row (engine.SessionWideAttacks). Per-request types stay on their
// rows.
func sessionWide() []string { return engine.SessionWideAttacks() }

// wideTag is a session-wide attack type as the header states it: on how
// many of the loaded requests, and where it was found by which rules.
type wideTag struct {
	typ      string
	requests int
	// found are the distinct "rule at point" pairs, in the order seen.
	found []string
}

// wideTags sums up the session-wide tags of xs.
func wideTags(xs []engine.Exchange) []wideTag {
	var out []wideTag
	for _, typ := range sessionWide() {
		w := wideTag{typ: typ}
		for i := range xs {
			seen := false
			for _, t := range stats.Tags(&xs[i]) {
				if t.Type != typ {
					continue
				}
				seen = true
				if f := t.Rule + " at " + t.Point; len(w.found) < 3 && !slices.Contains(w.found, f) {
					w.found = append(w.found, f)
				}
			}
			if seen {
				w.requests++
			}
		}
		if w.requests > 0 {
			out = append(out, w)
		}
	}
	return out
}

// text is the header's statement of the tag after its chip:
// "session-wide: on all 40 requests (spoor-scanner at
// req.header.User-Agent)".
func (w wideTag) text(total int) string {
	s := "session-wide: on "
	if w.requests == total {
		s += "all " + human.Count(total) + " requests"
	} else {
		s += human.Count(w.requests) + " of " + human.Count(total) + " " + plural(total, "request", "requests")
	}
	if len(w.found) > 0 {
		s += " (" + strings.Join(w.found, ", ") + ")"
	}
	return table.Sanitize(s)
}

// chipText lists a request's per-request attack types as chips:
// [sqli][xss]. Session-wide types are in the header, not here.
func chipText(x *engine.Exchange) string {
	var b strings.Builder
	for _, t := range stats.Value(stats.DimAttack, x) {
		if slices.Contains(sessionWide(), t) {
			continue
		}
		b.WriteString("[" + table.Sanitize(t) + "]")
	}
	return b.String()
}
