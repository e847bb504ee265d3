package listeditor

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/specinput"
)

// Suggestions turns the points the traffic carries into completions with
// their counts, keeping the points in also (learnt from requests the user
// opened, which the backend's sample may not reach) without a count.
func Suggestions(points []engine.SeenPoint, also []string) []specinput.Suggestion {
	out := make([]specinput.Suggestion, 0, len(points)+len(also))
	have := make(map[string]bool, len(points))
	for _, p := range points {
		out = append(out, specinput.Suggestion{Text: p.Point, Count: p.Count})
		have[p.Point] = true
	}
	for _, p := range also {
		if !have[p] {
			out = append(out, specinput.Suggestion{Text: p})
		}
	}
	slices.SortFunc(out, func(a, b specinput.Suggestion) int { return strings.Compare(a.Text, b.Text) })
	return out
}
