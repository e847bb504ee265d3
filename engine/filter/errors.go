package filter

import (
	"fmt"
	"unicode/utf8"
)

// Error is a filter that does not parse. Pos is the byte offset of the
// mistake in Expr, so that the TUI can place a marker under it and the CLI
// can name its column.
type Error struct {
	Expr string
	Pos  int
	Msg  string
	// Field names the field whose value is well-formed but names nothing
	// that exists (attack, abuse, flow or method; see Vocabulary), so that
	// a caller able to read more of the store can widen the vocabulary and
	// parse again. It is empty for every other mistake.
	Field string
}

// Error reads "at column 8: unknown field ...", columns counted in
// characters from 1 as an editor shows them.
func (e *Error) Error() string {
	return fmt.Sprintf("at column %d: %s", e.Column(), e.Msg)
}

// Column is the 1-based character column of Pos.
func (e *Error) Column() int {
	pos := min(max(e.Pos, 0), len(e.Expr))
	return utf8.RuneCountInString(e.Expr[:pos]) + 1
}

func errorf(expr string, pos int, format string, args ...any) *Error {
	return &Error{Expr: expr, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// suggest returns the candidate closest to word, or "" when none is close
// enough to be what the user meant: one edit away for a word of up to four
// letters, two for a longer one.
func suggest(word string, candidates []string) string {
	best, bestDist := "", 3
	if len(word) <= 4 {
		bestDist = 2
	}
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between two short
// words: insertions, deletions, substitutions and swaps of two neighbours
// each cost one, so "stauts" is one edit from status. Words beyond 64 bytes
// are never close to a field name and are not measured.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	var d [65][65]int
	for i := range len(a) + 1 {
		d[i][0] = i
	}
	for j := range len(b) + 1 {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
