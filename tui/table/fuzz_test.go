package table

import (
	"strings"
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

// FuzzWidth checks that the fast measure of Width agrees with
// lipgloss.Width on styled text mixing ASCII, escapes, the symbols it
// knows and runes it does not.
func FuzzWidth(f *testing.F) {
	for _, s := range []string{
		"alice", "\x1b[1;38;2;108;108;108mLAST SE…\x1b[m  ·", "▁▂▃█ 12×", "e\u0301", "·\u0301", "日本", "\x1b]8;;x\x07a",
		"\x1b[", "\x1b[31", "a\tb", "→↓←", "\u2028", "☃", "…\u200d…", "x\x1b[0m\u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "\n") {
			return
		}
		if got, want := Width(s), lipgloss.Width(s); got != want {
			t.Fatalf("Width(%q) = %d, lipgloss.Width = %d", s, got, want)
		}
	})
}

func TestWidthSymbols(t *testing.T) {
	for r := rune(0x80); r < 0x30000; r++ {
		if oneCell(r) && lipgloss.Width(string(r)) != 1 {
			t.Errorf("%q is %d cells wide", r, lipgloss.Width(string(r)))
		}
	}
	for _, s := range []string{"·\u0301", "a…\u200db", "▁\ufe0f", "x\u0308·"} {
		if got, want := Width(s), lipgloss.Width(s); got != want {
			t.Errorf("Width(%q) = %d, lipgloss.Width = %d", s, got, want)
		}
	}
}
