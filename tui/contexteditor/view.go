package contexteditor

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

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
	switch {
	case r.Pending:
		s, stored = "→clear", th.Warn
	case r.Hash:
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
	case m.asking != nil:
		status = m.question()
	case m.list.Busy():
		status = append(status, th.Muted.Render("saving…"))
	case m.saved:
		status = append(status, th.Ok.Render("saved: exchanges captured from now on carry these parameters"))
	}
	// The question says what a save applies to; the trailer would only
	// take its room.
	var trailer []string
	if m.asking == nil {
		trailer = []string{th.Muted.Render("saving applies to new exchanges; stored requests keep their context")}
	}
	return m.list.View(listeditor.Frame{Title: title, Status: status, Trailer: trailer})
}

// question is what turning hashing off would store in the clear, wrapped
// to the width: the rows marked →clear change, from the next save on, and
// requests stored before keep their hashes. The question itself comes
// last, so that a short terminal, which loses the top of the view, still
// shows it.
func (m Model) question() []string {
	th := m.theme
	q := m.asking
	var what, ask string
	if q.secrets {
		what = "Once saved (s), new exchanges keep as captured: Authorization and Proxy-Authorization values (whole bearer tokens and JWTs with their signatures, Basic passwords), Cookie and Set-Cookie values, login passwords, client secrets and the tokens a login answers with. Requests stored before stay hashed. The four credential rows are one setting (secrets: in the configuration), so h changes all of them."
		ask = "Store credentials in the clear?"
	} else {
		what = "Once saved (s), new exchanges keep its value as captured, in their context and wherever the request or response carries it. Requests stored before stay hashed."
		ask = "Store " + table.Sanitize(q.point) + " in the clear?"
	}
	lines := wrap(th.Muted, what, m.width)
	return append(lines, wrap(th.Warn, ask+" y confirms · n or esc keeps hashing on", m.width)...)
}

// wrap breaks s into lines of at most w cells, each styled.
func wrap(st lipgloss.Style, s string, w int) []string {
	lines := strings.Split(ansi.Wordwrap(s, max(w, 1), ""), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}
