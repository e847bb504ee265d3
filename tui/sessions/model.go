package sessions

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// OpenMsg asks the root model to open a session's request sequence.
type OpenMsg struct {
	Session engine.Session
}

// emptyText is shown while the list has no session; a live capture is the
// common case, where it is only a matter of time.
const emptyText = "waiting for traffic…"

// Model is the sessions list.
type Model struct {
	keys   KeyMap
	theme  theme.Theme
	list   []engine.Session
	cursor table.Cursor
	width  int
	height int
	// want holds the widths the widest values need, measured once per
	// reload so that columns do not jitter while the cursor scrolls.
	want widths
}

// widths are the content widths of the columns whose size depends on data.
type widths struct {
	actor, key, ip, reqs, c4xx, c5xx int
}

// New returns an empty list.
func New(th theme.Theme) Model {
	m := Model{keys: DefaultKeyMap(), theme: th}
	m.keys.setEnabled(false)
	return m
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area the list renders into, its header row included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.cursor.SetRows(h - 1)
}

// SetSessions replaces the list. The cursor stays on the session it was on
// (by ID), because live reloads reorder sessions as their LastSeen moves;
// if that session is gone it keeps its row.
func (m *Model) SetSessions(list []engine.Session) {
	index := m.cursor.Index()
	if cur, ok := m.Selected(); ok {
		if i := slices.IndexFunc(list, func(s engine.Session) bool { return s.ID == cur.ID }); i >= 0 {
			index = i
		}
	}
	m.list = list
	m.cursor.SetLen(len(list), index)
	m.keys.setEnabled(len(list) > 0)
	m.want = measure(list)
}

// Selected returns the session under the cursor.
func (m Model) Selected() (engine.Session, bool) {
	if len(m.list) == 0 {
		return engine.Session{}, false
	}
	return m.list[m.cursor.Index()], true
}

// Update moves the cursor and opens the selected session.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if m.cursor.Update(k, m.keys.Nav) {
		return m, nil
	}
	if key.Matches(k, m.keys.Open) {
		if s, ok := m.Selected(); ok {
			return m, func() tea.Msg { return OpenMsg{Session: s} }
		}
	}
	return m, nil
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// View renders exactly the rows that fit, whatever the list length.
func (m Model) View() string {
	if m.height <= 0 || m.width <= 0 {
		return ""
	}
	cols := m.columns()
	ws := table.Layout(cols, m.width)
	lines := make([]string, 0, m.height)
	lines = append(lines, table.Line(table.Header(cols, ws, m.theme.Header), m.width))
	if len(m.list) == 0 {
		if m.height > 2 {
			pad := max((m.width-lipgloss.Width(emptyText))/2, 0)
			lines = append(lines, "", table.Line(strings.Repeat(" ", pad)+m.theme.Muted.Render(emptyText), m.width))
		}
	}
	from, to := m.cursor.Window()
	for i := from; i < to; i++ {
		selected := i == m.cursor.Index()
		line := table.Row(cols, ws, m.cells(&m.list[i]), selected)
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

// Column indexes, in display order.
const (
	colLastSeen = iota
	colActor
	colKey
	colIP
	colReqs
	col4xx
	col5xx
	colAttacks
)

// columns describes the table for the current data. Drop order keeps what
// identifies a session and its danger signs longest: KEY goes first, then
// IP, then the error counts; ATTACKS outlives them. Spare width goes to
// ACTOR and IP together before KEY, which matters least once the list
// shows who the actor is.
func (m Model) columns() []table.Column {
	w := m.want
	return []table.Column{
		colLastSeen: {Title: "LAST SEEN", Min: 8, Want: 9},
		colActor:    {Title: "ACTOR", Min: 10, Want: max(w.actor, 5), Grow: 1},
		colKey:      {Title: "KEY", Min: 8, Want: max(w.key, 3), Drop: 5, Grow: 2},
		colIP:       {Title: "IP", Min: 9, Want: max(w.ip, 2), Drop: 4, Grow: 1},
		colReqs:     {Title: "REQS", Min: max(w.reqs, 4), Want: max(w.reqs, 4), Align: table.Right},
		col4xx:      {Title: "4XX", Min: max(w.c4xx, 3), Want: max(w.c4xx, 3), Align: table.Right, Drop: 3},
		col5xx:      {Title: "5XX", Min: max(w.c5xx, 3), Want: max(w.c5xx, 3), Align: table.Right, Drop: 2},
		colAttacks:  {Title: "ATTACKS", Min: 7, Want: 7, Align: table.Right, Drop: 1},
	}
}

// cells renders one session's values; zero counts are muted so that the
// eye lands on the rows that have something.
func (m Model) cells(s *engine.Session) []table.Cell {
	th := m.theme
	count := func(n int, hot lipgloss.Style) table.Cell {
		if n == 0 {
			return table.Cell{Text: "0", Style: th.Muted}
		}
		return table.Cell{Text: strconv.Itoa(n), Style: hot}
	}
	attacks := table.Cell{Text: "·", Style: th.Muted}
	if n := s.AttackCount(); n > 0 {
		attacks = table.Cell{Text: strconv.Itoa(n), Style: th.Danger}
	}
	return []table.Cell{
		colLastSeen: {Text: s.LastSeen.Format("15:04:05"), Style: th.Muted},
		colActor:    {Text: actor(s), Style: th.Accent},
		colKey:      {Text: table.Sanitize(s.KeyPoint), Style: th.Muted},
		colIP:       {Text: ips(s)},
		colReqs:     {Text: strconv.Itoa(s.Requests)},
		col4xx:      count(s.ClassCount(4), th.Status(400)),
		col5xx:      count(s.ClassCount(5), th.Status(500)),
		colAttacks:  attacks,
	}
}

// actor names the session the way an investigator knows it: the user when
// a context parameter found one, else the key value's display form.
func actor(s *engine.Session) string {
	if s.User != "" {
		return table.Sanitize(s.User)
	}
	return table.Sanitize(s.Actor)
}

// ips shows the first client IP and how many more there are; a session
// that hops addresses is itself a signal.
func ips(s *engine.Session) string {
	switch len(s.IPs) {
	case 0:
		return ""
	case 1:
		return table.Sanitize(s.IPs[0])
	default:
		return table.Sanitize(s.IPs[0]) + " +" + strconv.Itoa(len(s.IPs)-1)
	}
}

func measure(list []engine.Session) widths {
	var w widths
	for i := range list {
		s := &list[i]
		w.actor = max(w.actor, lipgloss.Width(actor(s)))
		w.key = max(w.key, lipgloss.Width(table.Sanitize(s.KeyPoint)))
		w.ip = max(w.ip, lipgloss.Width(ips(s)))
		w.reqs = max(w.reqs, lipgloss.Width(strconv.Itoa(s.Requests)))
		w.c4xx = max(w.c4xx, lipgloss.Width(strconv.Itoa(s.ClassCount(4))))
		w.c5xx = max(w.c5xx, lipgloss.Width(strconv.Itoa(s.ClassCount(5))))
	}
	return w
}
