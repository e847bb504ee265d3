package table

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/tui/theme"
)

func TestLayout(t *testing.T) {
	cols := []Column{
		{Title: "A", Min: 8, Want: 8},
		{Title: "B", Min: 10, Want: 30, Grow: 1},
		{Title: "C", Min: 8, Want: 20, Drop: 2, Grow: 2},
		{Title: "D", Min: 9, Want: 12, Drop: 1, Grow: 1},
	}
	for _, tc := range []struct {
		width int
		want  []int
	}{
		{100, []int{8, 30, 20, 12}}, // everything fits
		{60, []int{8, 26, 8, 12}},   // B and D grow before C
		{41, []int{8, 10, 8, 9}},    // all at Min
		{40, []int{8, 16, 0, 12}},   // C dropped first
		{20, []int{8, 10, 0, 0}},    // then D
		{10, []int{8, 10, 0, 0}},    // nothing left to drop
	} {
		if got := Layout(cols, tc.width); !slices.Equal(got, tc.want) {
			t.Errorf("Layout(%d) = %v, want %v", tc.width, got, tc.want)
		}
	}
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		in    string
		w     int
		align Align
		want  string
	}{
		{"abc", 5, Left, "abc  "},
		{"abc", 5, Right, "  abc"},
		{"abcdef", 4, Left, "abc…"},
		{"日本語テキスト", 7, Left, "日本語…"},
		{"x", 0, Left, ""},
	} {
		got := Fit(tc.in, tc.w, tc.align)
		if got != tc.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
		if w := lipgloss.Width(got); w > tc.w {
			t.Errorf("Fit(%q, %d) is %d cells wide", tc.in, tc.w, w)
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"alice":               "alice",
		"\x1b[31mred":         `\x1b[31mred`,
		"a\r\nb":              `a\x0d\x0ab`,
		"bad\xffbyte":         `bad\xffbyte`,
		"c1\u009bcontrol":     `c1\x9bcontrol`,
		"admin\u202egnp.exe":  `admin\u202egnp.exe`,
		"snowman ☃ stays put": "snowman ☃ stays put",
		"del\x7f":             `del\x7f`,
		"tab\tafter ascii":    `tab\x09after ascii`,
		"genuine \ufffd":      "genuine \ufffd",
		"":                    "",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCursorKeepsScreenRowAndTop checks the two ways a reload places the
// cursor: on its item's new index at the same screen row, and on the first
// row with the window at the top.
func TestCursorKeepsScreenRowAndTop(t *testing.T) {
	var c Cursor
	c.SetRows(10)
	c.SetLen(100, 0)
	for range 4 {
		c.Update(tea.KeyPressMsg{Code: tea.KeyDown}, theme.DefaultNavKeyMap())
	}
	c.SetLen(105, 9) // five rows arrived above the cursor's item
	if from, _ := c.Window(); c.Index() != 9 || from != 5 {
		t.Errorf("cursor %d, window from %d; want 9 from 5 (screen row 4 kept)", c.Index(), from)
	}
	c.Top()
	if from, to := c.Window(); c.Index() != 0 || from != 0 || to != 10 {
		t.Errorf("Top: cursor %d, window %d..%d", c.Index(), from, to)
	}
}
