package table

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes captured text safe to print. Paths, user agents and actor
// values come from whoever sent the traffic; an escape sequence in them
// must not reach the terminal, and a bidi override must not make one value
// look like another. An investigator wants to see that such bytes were
// there, so they are shown escaped: control characters and invalid bytes
// as \xNN, invisible format characters as \uNNNN.
func Sanitize(s string) string {
	// Printable ASCII, which nearly all captured text is, needs no rune
	// decoding: lists and search sanitize hundreds of thousands of
	// strings, and returning them as they are allocates nothing.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) || !strings.ContainsFunc(s[i:], needsEscape) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether r must be escaped. RuneError stands for an
// invalid byte here; a genuine U+FFFD is simply written back.
func needsEscape(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
