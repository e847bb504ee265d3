package sequence

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/theme"
)

// SpecLabel is an endpoint's specification status in a table cell:
// "shadow", "zombie", "undoc method", "documented". Unknown statuses show
// sanitised as they are.
func SpecLabel(status string) string {
	if status == inventory.UndocumentedMethod {
		return "undoc method"
	}
	return status
}

// SpecMeaning says what a status means, for the legend and the detail
// view: an investigator should not need the README to read it.
func SpecMeaning(status string) string {
	switch status {
	case inventory.Documented:
		return "the specification lists this method on this path"
	case inventory.Shadow:
		return "called, but not in the API's specification"
	case inventory.Zombie:
		return "deprecated in the specification, or gone from its newer version, yet still called"
	case inventory.UndocumentedMethod:
		return "the specification lists the path, but not with this method"
	}
	return ""
}

// specGloss is SpecMeaning in the few words the legend has room for.
func specGloss(status string) string {
	switch status {
	case inventory.Shadow:
		return "not in the spec"
	case inventory.Zombie:
		return "deprecated or removed, still called"
	case inventory.UndocumentedMethod:
		return "path listed, method not"
	}
	return ""
}

// marked reports whether a request's status is one the view marks: what
// the specification does not account for.
func marked(status string) bool {
	return status != "" && status != inventory.Documented
}

// specCell is the SPEC column's text for a request: its status when the
// view marks it, nothing for a documented request.
func specCell(x *engine.Exchange) string {
	if !marked(x.SpecStatus) {
		return ""
	}
	return SpecLabel(x.SpecStatus)
}

// specCounts counts the requests of each marked status.
func specCounts(xs []engine.Exchange) map[string]int {
	var counts map[string]int
	for i := range xs {
		if marked(xs[i].SpecStatus) {
			if counts == nil {
				counts = map[string]int{}
			}
			counts[xs[i].SpecStatus]++
		}
	}
	return counts
}

// specLegend is the header line of a session with marked requests: how
// many of each status, and what the words mean; empty without any.
func specLegend(counts map[string]int, th theme.Theme) string {
	var parts, meanings []string
	for _, st := range []string{inventory.Zombie, inventory.Shadow, inventory.UndocumentedMethod} {
		if n := counts[st]; n > 0 {
			parts = append(parts, th.Spec(st).Render(human.Count(n)+" "+SpecLabel(st)))
			meanings = append(meanings, SpecLabel(st)+": "+specGloss(st))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "spec " + strings.Join(parts, th.Muted.Render(" · ")) + th.Muted.Render("  ("+strings.Join(meanings, "; ")+")")
}
