package listeditor

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/spoorhq/spoor/tui/table"
)

// Frame is what the editor draws around the list on each frame.
type Frame struct {
	// Title is the first line.
	Title string
	// Status is what the editor has to say under the rows (a preview,
	// progress, a save) when the list has nothing of its own there: the
	// input, a confirmation or a note.
	Status []string
	// Trailer always closes the view.
	Trailer []string
}

// View draws the title, the column header, the rows around the cursor,
// and the footer. Every line is fitted to the width by display width; a
// view taller than the area loses its top lines, so the footer with the
// input and the errors stays.
func (m Model[T, R]) View(f Frame) string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.theme
	lines := []string{f.Title}
	if !m.loaded && m.err == nil {
		lines = append(lines, th.Muted.Render(m.cfg.Loading))
	}
	cols := m.cfg.Columns
	ws := table.Layout(cols, m.width)
	lines = append(lines, table.Header(cols, ws, th.Header))
	footer := m.footer(f)
	room := max(m.height-len(lines)-len(footer), 0)
	from := max(min(m.cursor-room+1, len(m.rows)-room), 0)
	for i := from; i < len(m.rows) && i < from+room; i++ {
		line := table.Row(cols, ws, m.cfg.Cells(th, m.rows[i]), i == m.cursor)
		if i == m.cursor {
			line = th.Cursor.Render(table.Fit(line, m.width, table.Left))
		}
		lines = append(lines, line)
	}
	for len(lines) < m.height-len(footer) {
		lines = append(lines, "")
	}
	lines = append(lines, footer...)
	for i := range lines {
		lines[i] = table.Line(lines[i], m.width)
	}
	return strings.Join(lines[max(len(lines)-m.height, 0):], "\n")
}

// footer is the input with its error or completions, a confirmation, a
// note or else the editor's status; then the error line and the trailer.
func (m Model[T, R]) footer(f Frame) []string {
	th := m.theme
	var out []string
	switch {
	case m.input.Active():
		out = append(out, m.input.Lines(th)...)
	case m.confirm:
		out = append(out, m.wrap(th.Warn, m.cfg.ConfirmClose)...)
	case m.note != "":
		out = append(out, m.wrap(th.Muted, m.note)...)
	default:
		out = append(out, f.Status...)
	}
	if m.err != nil {
		out = append(out, th.Danger.Render("error: "+table.Sanitize(m.err.Error())))
	}
	return append(out, f.Trailer...)
}

// wrap breaks a note or a question into lines of the width, each styled,
// so that the reason for a refused key is read whole on a narrow
// terminal.
func (m Model[T, R]) wrap(st lipgloss.Style, s string) []string {
	lines := strings.Split(ansi.Wordwrap(table.Sanitize(s), max(m.width, 1), ""), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}
