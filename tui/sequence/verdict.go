package sequence

import (
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

// Sentence is the verdict's sentence (engine.Verdict.Sentence) made safe
// for a terminal: the text comes from the traffic in part.
func Sentence(v engine.Verdict) string { return table.Sanitize(v.Sentence()) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
