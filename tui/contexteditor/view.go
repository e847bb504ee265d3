package contexteditor

import (
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/tui/listeditor"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// columns are the parameter table's: point, type, how it is stored,
// where it comes from, and why.
func columns() []table.Column {
	return []table.Column{
		{Title: "POINT", Min: 16, Want: 32, Grow: 1},
		{Title: "TYPE", Min: 7, Want: 7},
		{Title: "STORED", Min: 6, Want: 6},
		{Title: "ORIGIN", Min: 7, Want: 7},
		{Title: "WHY", Min: 10, Want: 60, Drop: 1, Grow: 2},
	}
}

// cells draws one effective parameter; a default row has no type.
func cells(th theme.Theme, r Row) []table.Cell {
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
	return []table.Cell{
		{Text: table.Sanitize(r.Point)},
		{Text: t, Style: typ},
		{Text: s, Style: stored},
		{Text: string(r.Origin), Style: origin},
		{Text: table.Sanitize(r.Why), Style: th.Muted},
	}
}

// View lists the effective parameters with their type, storage and
// origin, then the input or the state of the edit, and always what saving
// does to stored requests, which it does not touch.
func (m Model) View() string {
	th := m.theme
	title := th.Accent.Render("CONTEXT PARAMETERS")
	if m.list.Dirty() {
		title += th.Warn.Render(" · unsaved")
	}
	title += th.Muted.Render(" · shown with each request · user and role name the session")
	var status []string
	switch {
	case m.list.Busy():
		status = append(status, th.Muted.Render("saving…"))
	case m.saved:
		status = append(status, th.Ok.Render("saved: exchanges captured from now on carry these parameters"))
	}
	return m.list.View(listeditor.Frame{
		Title:   title,
		Status:  status,
		Trailer: []string{th.Muted.Render("saving applies to new exchanges; stored requests keep their context")},
	})
}
