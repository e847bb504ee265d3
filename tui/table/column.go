package table

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Align says which side of a cell text sticks to.
type Align int

// Numbers align right so that their digits line up; text aligns left.
const (
	Left Align = iota
	Right
)

// Gap is the number of spaces between two columns.
const Gap = 2

// Column describes one column of a table.
type Column struct {
	Title string
	// Min is the narrowest the column may get before it is dropped; Want is
	// what its widest value needs.
	Min, Want int
	Align     Align
	// Drop orders the columns that may disappear on a narrow terminal:
	// higher values go first, 0 never goes.
	Drop int
	// Grow orders how spare cells are shared once every column has its
	// Min: lower values are served first, and columns with the same value
	// share evenly, so that no one column starves its peers.
	Grow int
}

// Layout returns the width of each column for a table that must fit in
// width cells; a dropped column gets 0. Columns shrink to their Min before
// any is dropped, then the highest Drop value goes first. Cells left over
// go to the columns up to their Want, in Grow order.
func Layout(cols []Column, width int) []int {
	shown := make([]bool, len(cols))
	for i := range cols {
		shown[i] = true
	}
	for minWidth(cols, shown) > width {
		drop := -1
		for i, c := range cols {
			if shown[i] && c.Drop > 0 && (drop < 0 || c.Drop > cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			// Nothing left to drop: render at Min and let the caller's
			// final truncation cut the line.
			break
		}
		shown[drop] = false
	}
	widths := make([]int, len(cols))
	groups := map[int][]int{}
	for i, c := range cols {
		if shown[i] {
			widths[i] = c.Min
			groups[c.Grow] = append(groups[c.Grow], i)
		}
	}
	free := width - minWidth(cols, shown)
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		free = share(cols, widths, groups[g], free)
	}
	return widths
}

// share hands free cells to the given columns evenly, each up to its Want,
// earlier columns taking the remainder, and returns what is left.
func share(cols []Column, widths, group []int, free int) int {
	for free > 0 {
		hungry := 0
		for _, i := range group {
			if widths[i] < cols[i].Want {
				hungry++
			}
		}
		if hungry == 0 {
			break
		}
		each := max(free/hungry, 1)
		for _, i := range group {
			grow := min(cols[i].Want-widths[i], each, free)
			if grow > 0 {
				widths[i] += grow
				free -= grow
			}
		}
	}
	return free
}

// minWidth is the width the shown columns take at their Min, gaps included.
func minWidth(cols []Column, shown []bool) int {
	total, n := 0, 0
	for i, c := range cols {
		if shown[i] {
			total += c.Min
			n++
		}
	}
	if n > 1 {
		total += (n - 1) * Gap
	}
	return total
}

// Fit pads or truncates s to exactly w cells, measuring display width so
// that wide runes and styled text line up. Truncated text ends in "…".
func Fit(s string, w int, a Align) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = Width(s)
	}
	pad := strings.Repeat(" ", max(w-sw, 0))
	if a == Right {
		return pad + s
	}
	return s + pad
}

// Cell is one value of a row and the style it takes outside the cursor row.
type Cell struct {
	Text  string
	Style lipgloss.Style
	// Paint, when set, stands for Style: the same style, cheaper to apply
	// (see NewPaint).
	Paint *Paint
	// Marks are byte offsets into Text to draw in MarkStyle, such as the
	// characters a fuzzy search matched.
	Marks     []int
	MarkStyle lipgloss.Style
}

// render styles text in the cell's style.
func (c *Cell) render(text string) string {
	if c.Paint != nil {
		return c.Paint.Render(text)
	}
	return c.Style.Render(text)
}

// Row lays cells into columns of the given widths, skipping dropped
// columns. Text is fitted before it is styled so that truncation never cuts
// an escape sequence. With plain set, cell styles are ignored: the cursor
// row is styled as a whole and inner colours would break its background.
// Trailing blanks are trimmed so that short rows stay short.
func Row(cols []Column, widths []int, cells []Cell, plain bool) string {
	var b strings.Builder
	first := true
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", Gap))
		}
		first = false
		text := Fit(cells[i].Text, widths[i], c.Align)
		switch {
		case plain:
		case len(cells[i].Marks) > 0 && c.Align == Left:
			text = markWith(text, cells[i].Marks, cells[i].render, renderer(cells[i].MarkStyle))
		default:
			text = styleKeepingPad(cells[i].render, text)
		}
		b.WriteString(text)
	}
	return strings.TrimRight(b.String(), " ")
}

// styleKeepingPad styles the text of a fitted cell but not its padding, so
// that a background colour does not bleed into the gap.
func styleKeepingPad(render func(string) string, s string) string {
	trimmed := strings.TrimLeft(s, " ")
	lead := s[:len(s)-len(trimmed)]
	body := strings.TrimRight(trimmed, " ")
	trail := trimmed[len(body):]
	if body == "" {
		return s
	}
	return lead + render(body) + trail
}

// Header renders the column titles in the header style.
func Header(cols []Column, widths []int, st lipgloss.Style) string {
	cells := make([]Cell, len(cols))
	for i, c := range cols {
		cells[i] = Cell{Text: c.Title, Style: st}
	}
	return Row(cols, widths, cells, false)
}

// Line fits one finished line to the width, so no line ever wraps.
func Line(s string, w int) string {
	if !strings.Contains(s, "\n") && Width(s) <= w {
		return s
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Mark styles the bytes of s at the given offsets with mark and the rest
// with base. Offsets past a truncation point are simply not found, so a
// fitted cell can be marked with the offsets of its full text.
func Mark(s string, marks []int, base, mark lipgloss.Style) string {
	return markWith(s, marks, renderer(base), renderer(mark))
}

func renderer(st lipgloss.Style) func(string) string {
	return func(s string) string { return st.Render(s) }
}

func markWith(s string, marks []int, base, mark func(string) string) string {
	set := make(map[int]bool, len(marks))
	for _, i := range marks {
		set[i] = true
	}
	var b strings.Builder
	run, marked := "", false
	flush := func() {
		if run == "" {
			return
		}
		if marked {
			b.WriteString(mark(run))
		} else {
			b.WriteString(base(run))
		}
		run = ""
	}
	for i, r := range s {
		if set[i] != marked {
			flush()
			marked = set[i]
		}
		run += string(r)
	}
	flush()
	return b.String()
}

// Width is the display width of s. Lists measure thousands of cells a
// frame and the root fits every line it draws, so the common case is
// measured here: printable ASCII, the SGR sequences styles write, and the
// few one-cell symbols the lists print (ellipsis, middle dot, sparkline
// blocks...), none of which joins a neighbour into one grapheme. Anything
// else goes to lipgloss.Width, which this equals.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// CSI: parameter bytes, intermediate bytes, one final byte.
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j == len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return lipgloss.Width(s)
			}
			i = j + 1
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return lipgloss.Width(s)
			}
			n++
			i += size
		default:
			return lipgloss.Width(s)
		}
	}
	return n
}

// oneCell reports whether r is one of the symbols the TUI draws that take
// one cell and never combine with what is next to them.
func oneCell(r rune) bool {
	switch {
	case r >= '▁' && r <= '█', r >= '░' && r <= '▓', r >= '←' && r <= '↓':
		return true
	}
	switch r {
	case '…', '·', '×', '•', '–', '—', '“', '”', '‘', '’', '│', '─', '✓', '✗':
		return true
	}
	return false
}
