package table

import (
	"testing"
	"unicode"

	"charm.land/lipgloss/v2"
)

// FuzzSanitize checks that no captured string can smuggle a control
// character to the terminal.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"alice", "\x1b]0;title\x07", "\xff\xfe", "a\u009b31m", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Sanitize(%q) = %q keeps %U", s, out, r)
			}
		}
	})
}

// FuzzFit checks that a fitted cell is exactly as wide as asked, whatever
// the text.
func FuzzFit(f *testing.F) {
	f.Add("alice@example.com", 8)
	f.Add("日本語テキスト", 5)
	f.Add("", 3)
	f.Fuzz(func(t *testing.T, s string, w int) {
		w = w % 200
		if w < 0 {
			w = -w
		}
		s = Sanitize(s)
		got := Fit(s, w, Left)
		if lipgloss.Width(got) != w {
			t.Fatalf("Fit(%q, %d) is %d cells wide", s, w, lipgloss.Width(got))
		}
	})
}
