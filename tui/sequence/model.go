package sequence

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// BackMsg asks the root model to return to the sessions list.
type BackMsg struct{}

// Model is one session's request sequence.
type Model struct {
	keys      KeyMap
	theme     theme.Theme
	session   engine.Session
	exchanges []engine.Exchange
	// loaded tells "no requests yet" apart from "requests not read yet".
	loaded bool
	cursor table.Cursor
	width  int
	height int
	// want holds the widths the widest values need, measured once per
	// load so that columns do not jitter while the cursor scrolls.
	want widths
}

type widths struct {
	method, path, size int
}

// New returns a sequence view with no session.
func New(th theme.Theme) Model {
	return Model{keys: DefaultKeyMap(), theme: th}
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area the view renders into, its two header lines
// included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.cursor.SetRows(h - 2)
}

// Open shows a new session whose requests are still to be loaded.
func (m *Model) Open(s engine.Session) {
	m.session = s
	m.exchanges = nil
	m.loaded = false
	m.want = widths{}
	m.cursor.SetLen(0, 0)
	m.keys.Nav.SetEnabled(false)
}

// Session is the session on display.
func (m Model) Session() engine.Session { return m.session }

// SetSession refreshes the header with a newer summary of the same session.
func (m *Model) SetSession(s engine.Session) {
	if s.ID == m.session.ID {
		m.session = s
	}
}

// SetExchanges replaces the requests. Requests only ever append, so the
// cursor keeps its index and stays on the request it was on.
func (m *Model) SetExchanges(xs []engine.Exchange) {
	m.exchanges = xs
	m.loaded = true
	m.cursor.SetLen(len(xs), m.cursor.Index())
	m.keys.Nav.SetEnabled(len(xs) > 0)
	m.want = measure(xs)
}

// Update moves the cursor and asks to go back.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if m.cursor.Update(k, m.keys.Nav) {
		return m, nil
	}
	if key.Matches(k, m.keys.Back) {
		return m, func() tea.Msg { return BackMsg{} }
	}
	return m, nil
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// View renders the header and exactly the rows that fit.
func (m Model) View() string {
	if m.height <= 0 || m.width <= 0 {
		return ""
	}
	cols := m.columns()
	ws := table.Layout(cols, m.width)
	lines := make([]string, 0, m.height)
	lines = append(lines,
		table.Line(m.header(), m.width),
		table.Line(table.Header(cols, ws, m.theme.Header), m.width))
	switch {
	case !m.loaded:
		lines = append(lines, m.theme.Muted.Render(table.Line("loading requests…", m.width)))
	case len(m.exchanges) == 0:
		lines = append(lines, m.theme.Muted.Render(table.Line("no requests stored for this session", m.width)))
	}
	from, to := m.cursor.Window()
	for i := from; i < to; i++ {
		selected := i == m.cursor.Index()
		line := table.Row(cols, ws, m.cells(&m.exchanges[i]), selected)
		if selected {
			line = m.theme.Cursor.Render(table.Fit(line, m.width, table.Left))
		}
		lines = append(lines, table.Line(line, m.width))
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.height], "\n")
}

// header sums up the session on one line. Counts come before the IP and
// user-agent lists because those can be long and are what a narrow
// terminal should cut.
func (m Model) header() string {
	s := &m.session
	th := m.theme
	sep := th.Muted.Render(" · ")
	name := table.Sanitize(s.Actor)
	if s.User != "" {
		name = table.Sanitize(s.User)
	}
	reqs := strconv.Itoa(s.Requests) + " requests"
	if s.Requests == 1 {
		reqs = "1 request"
	}
	parts := []string{
		th.Accent.Render(name),
		th.Muted.Render(table.Sanitize(s.KeyPoint)),
		reqs,
		span(s.Duration()),
		clean(s.IPs),
		th.Muted.Render(clean(s.UserAgents)),
	}
	return strings.Join(parts, sep)
}

func clean(list []string) string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = table.Sanitize(v)
	}
	return strings.Join(out, ", ")
}

// Column indexes, in display order.
const (
	colOffset = iota
	colMethod
	colPath
	colStatus
	colDuration
	colSize
)

// columns describes the table for the loaded requests. PATH takes what is
// left; SIZE and then DURATION go when the terminal is narrow.
func (m Model) columns() []table.Column {
	w := m.want
	return []table.Column{
		colOffset:   {Title: "OFFSET", Min: 7, Want: 7, Align: table.Right},
		colMethod:   {Title: "METHOD", Min: 4, Want: max(w.method, 6)},
		colPath:     {Title: "PATH", Min: 10, Want: max(w.path, 4), Grow: 1},
		colStatus:   {Title: "STATUS", Min: 6, Want: 6, Align: table.Right},
		colDuration: {Title: "DURATION", Min: 8, Want: 8, Align: table.Right, Drop: 1},
		colSize:     {Title: "SIZE", Min: max(w.size, 4), Want: max(w.size, 4), Align: table.Right, Drop: 2},
	}
}

// start is the time offsets count from: the session's first request, read
// from the summary so that offsets do not shift if older requests are
// pruned, and from the requests only when the summary lacks it.
func (m Model) start() time.Time {
	if m.session.FirstSeen.IsZero() && len(m.exchanges) > 0 {
		return m.exchanges[0].Start
	}
	return m.session.FirstSeen
}

func (m Model) cells(x *engine.Exchange) []table.Cell {
	th := m.theme
	status := table.Cell{Text: "ERR", Style: th.Status(0)}
	if x.Status != 0 {
		status = table.Cell{Text: strconv.Itoa(x.Status), Style: th.Status(x.Status)}
	}
	return []table.Cell{
		colOffset:   {Text: offset(x.Start.Sub(m.start())), Style: th.Muted},
		colMethod:   {Text: table.Sanitize(x.Method)},
		colPath:     {Text: target(x)},
		colStatus:   status,
		colDuration: {Text: latency(x.Duration)},
		colSize:     {Text: size(x.RespBody.Size), Style: th.Muted},
	}
}

// target is the request's path with its query, as it was sent.
func target(x *engine.Exchange) string {
	if x.Query == "" {
		return table.Sanitize(x.Path)
	}
	return table.Sanitize(x.Path + "?" + x.Query)
}

func measure(xs []engine.Exchange) widths {
	var w widths
	for i := range xs {
		x := &xs[i]
		w.method = max(w.method, lipgloss.Width(table.Sanitize(x.Method)))
		w.path = max(w.path, lipgloss.Width(target(x)))
		w.size = max(w.size, lipgloss.Width(size(x.RespBody.Size)))
	}
	return w
}
