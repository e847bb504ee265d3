package contexteditor

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/tui/table"
)

// View lists the effective parameters with their type, storage and
// origin, then the input or the state of the edit.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.theme
	title := th.Accent.Render("CONTEXT PARAMETERS")
	if m.dirty {
		title += th.Warn.Render(" · unsaved")
	}
	title += th.Muted.Render(" · shown with each request · user and role name the session")
	lines := []string{title}
	if !m.loaded && m.err == nil {
		lines = append(lines, th.Muted.Render("loading context parameters…"))
	}
	cols := []table.Column{
		{Title: "POINT", Min: 16, Want: 32, Grow: 1},
		{Title: "TYPE", Min: 7, Want: 7},
		{Title: "STORED", Min: 6, Want: 6},
		{Title: "ORIGIN", Min: 7, Want: 7},
		{Title: "WHY", Min: 10, Want: 60, Drop: 1, Grow: 2},
	}
	ws := table.Layout(cols, m.width)
	lines = append(lines, table.Header(cols, ws, th.Header))
	footer := m.footer()
	room := max(m.height-len(lines)-len(footer), 0)
	from := max(min(m.cursor-room+1, len(m.rows)-room), 0)
	for i := from; i < len(m.rows) && i < from+room; i++ {
		r := m.rows[i]
		origin, typ, stored := th.Muted, th.Muted, th.Muted
		if r.Origin == OriginConfig {
			origin, typ = th.Accent, lipgloss.NewStyle()
		}
		s := "clear"
		if r.Hash {
			s, stored = "hashed", th.Ok
		}
		t := typeName(r.Type)
		if r.Origin == OriginDefault {
			t = "·"
		}
		cells := []table.Cell{
			{Text: table.Sanitize(r.Point)},
			{Text: t, Style: typ},
			{Text: s, Style: stored},
			{Text: string(r.Origin), Style: origin},
			{Text: table.Sanitize(r.Why), Style: th.Muted},
		}
		line := table.Row(cols, ws, cells, i == m.cursor)
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

// footer is the input with its error or completions, or what the last key
// did, then what saving does to stored requests, which it does not touch.
func (m Model) footer() []string {
	th := m.theme
	var out []string
	switch {
	case m.input.Active():
		out = append(out, m.input.Lines(th)...)
	case m.confirmClose:
		out = append(out, th.Warn.Render("unsaved changes: s saves them, esc again leaves without saving"))
	case m.saving:
		out = append(out, th.Muted.Render("saving…"))
	case m.note != "":
		out = append(out, th.Muted.Render(m.note))
	case m.saved:
		out = append(out, th.Ok.Render("saved: exchanges captured from now on carry these parameters"))
	}
	if m.err != nil {
		out = append(out, th.Danger.Render("error: "+table.Sanitize(m.err.Error())))
	}
	out = append(out, th.Muted.Render("saving applies to new exchanges; stored requests keep their context"))
	return out
}
