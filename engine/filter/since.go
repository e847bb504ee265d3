package filter

import "strings"

// WithSince returns expr with its since: terms replaced by since:span at
// the end, or only removed when span is empty. It is what a time-range
// preset does to the filter, so that the range is part of the one
// expression the user sees, edits and switches off, not a second filter
// beside it. Negated since terms are the user's own and are kept, and so
// is an expression that does not parse, to which the term is appended.
func WithSince(expr, span string) string {
	var kept []string
	if terms, err := lex(expr); err != nil {
		if t := strings.Trim(expr, " \t\r\n"); t != "" {
			kept = append(kept, t)
		}
	} else {
		for _, t := range terms {
			if !t.neg && t.hasField && strings.EqualFold(t.field, fieldSince.String()) {
				continue
			}
			kept = append(kept, expr[t.pos:t.end])
		}
	}
	if span != "" {
		kept = append(kept, "since:"+span)
	}
	// Only the separators change: trimming the terms could cut a byte the
	// lexer reads as part of one (a form feed is not a separator).
	return strings.Join(kept, " ")
}
