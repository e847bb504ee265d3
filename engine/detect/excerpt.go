package detect

import (
	"strings"
	"unicode/utf8"
)

// maxFragment bounds a tag's fragment: enough to recognise a payload in a
// list, short enough that a tag never carries a whole body.
const maxFragment = 80

// excerpt returns at most maxFragment bytes of s around the match at
// s[at:at+n], starting a little before it so that the reader sees its
// context. The result is a copy, cut on UTF-8 boundaries and made valid, so
// a tag never pins the body it was found in.
func excerpt(s string, at, n int) string {
	if at < 0 || at > len(s) {
		at = 0
	}
	start := 0
	if len(s) > maxFragment {
		start = max(0, min(at-16, len(s)-maxFragment))
		if n > maxFragment-16 {
			start = at
		}
	}
	end := min(len(s), start+maxFragment)
	for start > 0 && start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	for end < len(s) && end > start && !utf8.RuneStart(s[end]) {
		end--
	}
	// Replacing an invalid byte with U+FFFD adds two bytes, so the valid
	// text may outgrow the bound: cut it back at a rune boundary.
	out := strings.ToValidUTF8(strings.Clone(s[start:end]), "\uFFFD")
	for len(out) > maxFragment {
		_, size := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-size]
	}
	return out
}
