package sessions

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/sparkline"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// OpenMsg asks the root model to open a session's request sequence.
type OpenMsg struct {
	Session engine.Session
}

// EndMsg tells the root model that the user asked for the last row (G):
// when more pages remain in the store, the root loads them and puts the
// cursor on the real last session (Last).
type EndMsg struct{}

// HomeMsg tells the root model that the user asked for the first row (g):
// a list showing the store's last sessions goes back to its first ones.
type HomeMsg struct{}

// ResumeMsg tells the root model that live updates are on again, so that
// it applies the list it held while they were paused.
type ResumeMsg struct{}

// Match is what a search found in one session: the text it matched in and
// the byte offsets of the matched characters, for highlighting.
type Match struct {
	SessionID string
	// Index is where the session was in the list the search ran over. It
	// is a hint, checked against SessionID, that spares a lookup by ID.
	Index int
	Field string
	Text  string
	Marks []int
}

// waitingText is shown while the list has no session; a live capture is
// the common case, where it is only a matter of time.
const waitingText = "waiting for traffic…"

// Model is the sessions list.
type Model struct {
	keys   KeyMap
	theme  theme.Theme
	list   []engine.Session
	order  []int // indexes into list in display order
	cursor table.Cursor
	width  int
	height int
	sort   SortKey
	// reversed flips the sort's direction.
	reversed bool
	// follow is set while the user keeps the cursor on the first row
	// (see Following): put there by a key, a click, a new filter or the
	// first load, not by a re-sort that brings its session to the top.
	follow bool
	// paused freezes the rows: the root holds live reloads until the
	// user resumes (see Paused).
	paused bool
	// clock is what dates are shown against: a LAST SEEN of today shows
	// the time alone, an older one its date. today is its reading when
	// the list was last set, so that a frame and its widths agree.
	clock func() time.Time
	today time.Time
	// found are the search's matches, best first, or nil when no search
	// is on; row k of order shows found[rowMatch[k]].
	found    []Match
	rowMatch []int
	activity map[string]sparkline.Series
	empty    string
	// want holds the widths the widest values need, measured once per
	// reload so that columns do not jitter while the cursor scrolls.
	want widths
	// mcp shows only the sessions that spoke MCP, with MCP columns.
	mcp bool
	// rows keeps rendered rows between frames (see rowCache). A change
	// that redraws every row gives the model a new cache rather than
	// clearing a shared one, so that a copy of the model never draws
	// from entries made for another state.
	rows *rowCache
	// paint is the theme's styles made cheap to apply.
	paint paints
}

// paints are the theme styles the rows use, made cheap to apply (see
// table.NewPaint): a redrawn page styles hundreds of cells.
type paints struct {
	muted, accent, danger, warn, status4xx, status5xx, cursor *table.Paint
}

func newPaints(th theme.Theme) paints {
	return paints{
		muted:     table.NewPaint(th.Muted),
		accent:    table.NewPaint(th.Accent),
		danger:    table.NewPaint(th.Danger),
		warn:      table.NewPaint(th.Warn),
		status4xx: table.NewPaint(th.Status(400)),
		status5xx: table.NewPaint(th.Status(500)),
		cursor:    table.NewPaint(th.Cursor),
	}
}

// widths are the content widths of the columns whose size depends on data.
type widths struct {
	seen, actor, role, key, ip, reqs, c4xx, c5xx, attacks, abuse, flows, dur, match int
	mcp                                                                             mcpWidths
}

// New returns an empty list.
func New(th theme.Theme) Model {
	m := Model{keys: DefaultKeyMap(), theme: th, empty: waitingText, rows: newRowCache(), paint: newPaints(th), clock: time.Now, follow: true}
	m.keys.setEnabled(false)
	return m
}

// SetClock sets the clock dates are shown against; tests pin it.
func (m *Model) SetClock(now func() time.Time) {
	m.clock = now
	m.today = now()
	m.want = m.measure()
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.rows = newRowCache()
	m.paint = newPaints(th)
}

// SetSize sets the area the list renders into, its header row included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.cursor.SetRows(h - 1)
}

// SetEmptyText sets what an empty list says, so that "no match for the
// filter" is not mistaken for "no traffic yet".
func (m *Model) SetEmptyText(s string) {
	m.empty = cmp.Or(s, waitingText)
}

// SetSessions replaces the list. The cursor stays on the session it was on
// (by ID), because live reloads reorder sessions as their LastSeen moves,
// and on the same screen row, so that the rows around it stay where the
// eye left them; if that session is gone it keeps its row. While the list
// is following (the cursor on the first row at the top) it stays there
// instead, on whatever session is now first.
func (m *Model) SetSessions(list []engine.Session) {
	cur, had := m.Selected()
	index := m.cursor.Index()
	follow := m.Following()
	m.list = list
	m.order, m.rowMatch = m.sorted(), nil
	if m.found != nil {
		// Keep showing only the search's sessions until the search runs
		// again over the new list.
		byID := make(map[string]int, len(m.found))
		for k := range m.found {
			byID[m.found[k].SessionID] = k
		}
		order := m.order[:0]
		for _, i := range m.order {
			if k, ok := byID[list[i].ID]; ok {
				order = append(order, i)
				m.rowMatch = append(m.rowMatch, k)
			}
		}
		m.order = order
	}
	if had {
		if i := slices.IndexFunc(m.order, func(j int) bool { return list[j].ID == cur.ID }); i >= 0 {
			index = i
		}
	}
	m.cursor.SetLen(len(m.order), index)
	if follow {
		m.cursor.Top()
	}
	m.keys.setEnabled(len(list) > 0)
	m.today = m.clock()
	m.want = m.measure()
}

// Following reports whether the list follows its first row: the user put
// the cursor on the first row, with the first row on screen, as k9s and
// htop do, and live updates are not paused. New and re-sorted sessions
// then flow in under the cursor, which stays on the first row; anywhere
// else the cursor keeps its session and its screen row.
func (m Model) Following() bool {
	from, _ := m.cursor.Window()
	return m.follow && !m.paused && m.cursor.Index() == 0 && from == 0
}

// Paused reports whether live updates are paused.
func (m Model) Paused() bool { return m.paused }

// Top puts the cursor on the first row, which follows the list, as after
// a new filter: a new set of sessions is read from its top.
func (m *Model) Top() {
	m.cursor.Top()
	m.follow = true
}

// Last puts the cursor on the last row.
func (m *Model) Last() {
	m.cursor.SetLen(len(m.order), len(m.order)-1)
	m.follow = m.cursor.Index() == 0
}

// Position returns the cursor's row, counted from 1 (0 on an empty list),
// and the number of rows shown.
func (m Model) Position() (row, rows int) {
	if len(m.order) == 0 {
		return 0, 0
	}
	return m.cursor.Index() + 1, len(m.order)
}

// Changes counts the sessions of list that are new or differ from the
// loaded ones in what a row shows first (last seen, requests, verdicts):
// the updates a paused list has waiting.
func (m Model) Changes(list []engine.Session) int {
	type seen struct {
		last            time.Time
		requests, abuse int
	}
	loaded := make(map[string]seen, len(m.list))
	for i := range m.list {
		s := &m.list[i]
		loaded[s.ID] = seen{s.LastSeen, s.Requests, len(s.Abuse)}
	}
	n := 0
	for i := range list {
		s := &list[i]
		if was, ok := loaded[s.ID]; !ok || !was.last.Equal(s.LastSeen) || was.requests != s.Requests || was.abuse != len(s.Abuse) {
			n++
		}
	}
	return n
}

// SetMatches shows search results: only the matched sessions, best first,
// each with its highlighted match, and the cursor on the best. Nil ends
// the search. The root applies a result on the UI goroutine for every
// query typed, so this costs a pass over the matches and no lookup by ID
// unless a match's Index is stale.
func (m *Model) SetMatches(matches []Match) {
	if matches == nil {
		m.found = nil
		m.SetSessions(m.list)
		return
	}
	m.found = matches
	var byID map[string]int
	order := make([]int, 0, len(matches))
	rowMatch := make([]int, 0, len(matches))
	for k := range matches {
		i := matches[k].Index
		if i < 0 || i >= len(m.list) || m.list[i].ID != matches[k].SessionID {
			if byID == nil {
				byID = make(map[string]int, len(m.list))
				for j := range m.list {
					byID[m.list[j].ID] = j
				}
			}
			var ok bool
			if i, ok = byID[matches[k].SessionID]; !ok {
				continue
			}
		}
		if m.mcp && m.list[i].MCP == nil {
			continue
		}
		order = append(order, i)
		rowMatch = append(rowMatch, k)
	}
	m.order, m.rowMatch = order, rowMatch
	m.cursor.SetLen(len(m.order), 0)
	m.follow = true
	m.keys.setEnabled(len(m.list) > 0)
	m.want = m.measure()
}

// match returns the search match shown on row k, or nil.
func (m Model) match(k int) *Match {
	if m.found == nil {
		return nil
	}
	return &m.found[m.rowMatch[k]]
}

// SetActivity gives a session's requests over time for its sparkline.
func (m *Model) SetActivity(id string, s sparkline.Series) {
	if m.activity == nil {
		m.activity = map[string]sparkline.Series{}
	}
	m.activity[id] = s
	m.rows.forget(id)
}

// HasActivity reports whether a session's sparkline is known.
func (m Model) HasActivity(id string) bool {
	_, ok := m.activity[id]
	return ok
}

// ShowsActivity reports whether the terminal is wide enough for the
// activity column, so that the root loads activity only when it is drawn.
func (m Model) ShowsActivity() bool {
	return !m.mcp && table.Layout(m.columns(), m.width)[colActivity] > 0
}

// Visible returns the sessions on screen, top to bottom.
func (m Model) Visible() []engine.Session {
	from, to := m.cursor.Window()
	out := make([]engine.Session, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, m.list[m.order[i]])
	}
	return out
}

// Len is the number of rows the list shows.
func (m Model) Len() int { return len(m.order) }

// Index is the cursor's row.
func (m Model) Index() int { return m.cursor.Index() }

// Sessions returns every loaded session, for search to run over.
func (m Model) Sessions() []engine.Session { return m.list }

// Selected returns the session under the cursor.
func (m Model) Selected() (engine.Session, bool) {
	if len(m.order) == 0 {
		return engine.Session{}, false
	}
	return m.list[m.order[m.cursor.Index()]], true
}

// Sort returns the column the list is sorted by and whether the order is
// reversed.
func (m Model) Sort() (SortKey, bool) { return m.sort, m.reversed }

// Update moves the cursor, sorts, follows and opens the selected session.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		delta := 1
		if msg.Button == tea.MouseWheelUp {
			delta = -1
		}
		m.move(m.cursor.Index() + 3*delta)
	case tea.MouseClickMsg:
		// Row 0 is the header.
		from, to := m.cursor.Window()
		if i := from + msg.Y - 1; msg.Y >= 1 && i < to {
			if i == m.cursor.Index() {
				return m, m.open()
			}
			m.move(i)
		}
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Pause):
		m.paused = !m.paused
		if m.paused {
			m.keys.Pause.SetHelp("space", "resume")
			return m, nil
		}
		m.keys.Pause.SetHelp("space", "pause")
		return m, func() tea.Msg { return ResumeMsg{} }
	case key.Matches(k, m.keys.Sort):
		m.sort, m.reversed = (m.sort+1)%sortKeys, false
		m.SetSessions(m.list)
		return m, nil
	case key.Matches(k, m.keys.Reverse):
		m.reversed = !m.reversed
		m.SetSessions(m.list)
		return m, nil
	case key.Matches(k, m.keys.Open):
		return m, m.open()
	}
	if m.cursor.Update(k, m.keys.Nav) {
		m.follow = m.cursor.Index() == 0
	}
	switch {
	case key.Matches(k, m.keys.Nav.End):
		return m, func() tea.Msg { return EndMsg{} }
	case key.Matches(k, m.keys.Nav.Home):
		return m, func() tea.Msg { return HomeMsg{} }
	}
	return m, nil
}

// move puts the cursor on row i, as a click or the wheel does.
func (m *Model) move(i int) {
	m.cursor.SetLen(len(m.order), min(max(i, 0), max(len(m.order)-1, 0)))
	m.follow = m.cursor.Index() == 0
}

func (m Model) open() tea.Cmd {
	s, ok := m.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return OpenMsg{Session: s} }
}

// HelpNote explains what the keys alone cannot: when the list moves by
// itself. The full help shows it under its title.
func (m Model) HelpNote() string {
	return "On the first row the list follows: new sessions come in under the cursor. Anywhere else the cursor keeps its session and its place. Space (or p) pauses live updates."
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
	cols, cells := m.columns(), m.cells
	if m.mcp {
		cols, cells = m.mcpColumns(), m.mcpCells
	}
	ws := table.Layout(cols, m.width)
	spark := 0
	if !m.mcp {
		spark = ws[colActivity]
	}
	rows := m.rows.frame(m.width, ws, m.sort, m.reversed, m.today)
	lines := make([]string, 0, m.height)
	lines = append(lines, rows.header(func() string {
		return table.Line(table.Header(m.marked(cols, ws), ws, m.theme.Header), m.width)
	}))
	if len(m.order) == 0 && m.height > 2 {
		empty := m.empty
		if m.mcp && m.found == nil && len(m.list) > 0 {
			empty = noMCPText
		}
		pad := max((m.width-lipgloss.Width(empty))/2, 0)
		lines = append(lines, "", table.Line(strings.Repeat(" ", pad)+m.theme.Muted.Render(empty), m.width))
	}
	from, to := m.cursor.Window()
	for i := from; i < to; i++ {
		s, mt, selected := &m.list[m.order[i]], m.match(i), i == m.cursor.Index()
		lines = append(lines, rows.row(s, mt, selected, func() string {
			line := table.Row(cols, ws, cells(s, mt, spark), selected)
			if selected {
				line = m.paint.cursor.Render(table.Fit(line, m.width, table.Left))
			}
			return table.Line(line, m.width)
		}))
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.height], "\n")
}

// Column indexes, in display order.
const (
	colLastSeen = iota
	colDur
	colActor
	colRole
	colIP
	colReqs
	col4xx
	col5xx
	colAttacks
	colAbuse
	colFlows
	colKey
	colActivity
	colMatch
)

// columns describes the table for the current data. Drop order keeps what
// identifies a session and its danger signs longest: the sparkline goes
// first, then flows, key, role, duration, abuse, IP and the error counts;
// ATTACKS outlives them. While a search runs, MATCH shows what matched and
// is never dropped. LAST SEEN is as wide as its widest value, a date or a
// time, and is never cut. A sorted column's title carries ▲ or ▼; the
// default order, newest first, goes unmarked, as the list has always
// read, and keeps LAST SEEN's title whole at 80 columns.
func (m Model) columns() []table.Column {
	w := m.want
	cols := []table.Column{
		colLastSeen: {Title: "LAST SEEN", Min: max(w.seen, 8), Want: max(w.seen, 9)},
		colDur:      {Title: "DUR", Min: 5, Want: max(w.dur, 4), Align: table.Right, Drop: 6},
		colActor:    {Title: "ACTOR", Min: min(max(w.actor, 5), 20), Want: max(w.actor, 5), Grow: 1},
		colRole:     {Title: "ROLE", Min: 5, Want: max(w.role, 4), Drop: 7, Grow: 2},
		colIP:       {Title: "IP", Min: 9, Want: max(w.ip, 2), Drop: 4, Grow: 1},
		colReqs:     {Title: "REQS", Min: max(w.reqs, 5), Want: max(w.reqs, 5), Align: table.Right},
		col4xx:      {Title: "4XX", Min: max(w.c4xx, 3), Want: max(w.c4xx, 3), Align: table.Right, Drop: 3},
		col5xx:      {Title: "5XX", Min: max(w.c5xx, 4), Want: max(w.c5xx, 4), Align: table.Right, Drop: 2},
		colAttacks:  {Title: "ATTACKS", Min: 8, Want: max(w.attacks, 8), Grow: 1, Drop: 1},
		colAbuse:    {Title: "ABUSE", Min: 8, Want: max(w.abuse, 5), Drop: 5, Grow: 2},
		colFlows:    {Title: "FLOWS", Min: 6, Want: max(w.flows, 5), Drop: 9, Grow: 3},
		colKey:      {Title: "KEY", Min: 8, Want: max(w.key, 3), Drop: 8, Grow: 3},
		colActivity: {Title: "ACTIVITY", Min: 16, Want: 24, Drop: 10, Grow: 3},
		colMatch:    {Title: "MATCH", Min: 12, Want: max(w.match, 5), Grow: 0},
	}
	if m.found == nil {
		cols[colMatch] = table.Column{Title: "", Min: 0, Want: 0, Drop: 20}
	}
	// A column no loaded session has a value for goes before any that
	// says something.
	for c, empty := range map[int]bool{colRole: w.role == 0, colAbuse: w.abuse == 0, colFlows: w.flows == 0} {
		if empty {
			cols[c].Drop += 10
		}
	}
	if m.sort != SortLastSeen || m.reversed {
		sorted := &cols[m.sort.column()]
		sorted.Title += m.arrow()
		sorted.Want = max(sorted.Want, table.Width(sorted.Title))
	}
	return cols
}

// arrow marks the sorted column: ▲ for ascending (A to Z, smallest or
// oldest first), ▼ for descending.
func (m Model) arrow() string {
	if Ascending(m.sort, m.reversed) {
		return "▲"
	}
	return "▼"
}

// marked returns the titles fitted to the laid-out widths, a cut title
// keeping its sort mark: "LAST S…▼" rather than "LAST SE…".
func (m Model) marked(cols []table.Column, ws []int) []table.Column {
	out := slices.Clone(cols)
	for i := range out {
		t := out[i].Title
		if ws[i] <= 0 || table.Width(t) <= ws[i] || !strings.HasSuffix(t, "▲") && !strings.HasSuffix(t, "▼") {
			continue
		}
		arrow := t[len(t)-len("▲"):]
		out[i].Title = table.Fit(strings.TrimSuffix(t, arrow), ws[i]-1, table.Left) + arrow
		out[i].Title = strings.TrimRight(strings.TrimSuffix(out[i].Title, arrow), " ") + arrow
	}
	return out
}

// cells renders one session's values; zero counts are muted so that the
// eye lands on the rows that have something.
func (m Model) cells(s *engine.Session, mt *Match, sparkWidth int) []table.Cell {
	th, p := m.theme, m.paint
	count := func(n int, hot *table.Paint) table.Cell {
		if n == 0 {
			return table.Cell{Text: "0", Paint: p.muted}
		}
		return table.Cell{Text: human.Count(n), Paint: hot}
	}
	attacks := table.Cell{Text: "·", Paint: p.muted}
	if t := attackText(s); t != "" {
		attacks = table.Cell{Text: t, Paint: p.danger}
	}
	abuse := table.Cell{Text: "·", Paint: p.muted}
	if len(s.Abuse) > 0 {
		abuse = table.Cell{Text: abuseText(s), Paint: p.warn}
	}
	cells := []table.Cell{
		colLastSeen: {Text: human.Time(s.LastSeen, m.today), Paint: p.muted},
		colDur:      {Text: span(s.Duration()), Paint: p.muted},
		colActor:    {Text: actor(s), Paint: p.accent},
		colRole:     {Text: table.Sanitize(s.Role)},
		colIP:       {Text: ips(s)},
		colReqs:     {Text: human.Count(s.Requests)},
		col4xx:      count(s.ClassCount(4), p.status4xx),
		col5xx:      count(s.ClassCount(5)+s.ClassCount(0), p.status5xx),
		colAttacks:  attacks,
		colAbuse:    abuse,
		colFlows:    {Text: flows(s), Paint: p.muted},
		colKey:      {Text: table.Sanitize(s.KeyPoint), Paint: p.muted},
		colMatch:    {},
	}
	if a, ok := m.activity[s.ID]; ok && sparkWidth > 0 {
		cells[colActivity] = table.Cell{Text: sparkline.Render(a, sparkWidth, th.Muted, th.Danger)}
	}
	if mt != nil {
		cells[colMatch] = m.matchCell(mt)
	}
	return cells
}

// matchCell shows what a search matched, its matched characters marked.
func (m Model) matchCell(mt *Match) table.Cell {
	return table.Cell{Text: mt.Field + " " + mt.Text, Paint: m.paint.muted, MarkStyle: m.theme.Mark, Marks: shift(mt.Marks, len(mt.Field)+1)}
}

// matchWidth is the width of a match's cell.
func matchWidth(mt *Match) int {
	if ascii(mt.Text) {
		return len(mt.Field) + 1 + len(mt.Text)
	}
	return table.Width(mt.Field + " " + mt.Text)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func shift(marks []int, by int) []int {
	out := make([]int, len(marks))
	for i, v := range marks {
		out[i] = v + by
	}
	return out
}

// attackText is the attack count and the most frequent type: "17 sqli".
func attackText(s *engine.Session) string {
	n := s.AttackCount()
	if n == 0 {
		return ""
	}
	return human.Count(n) + " " + topKey(s.Attacks)
}

// abuseText is the strongest verdict, with more verdicts counted.
func abuseText(s *engine.Session) string {
	t := s.Abuse[0].Type
	if len(s.Abuse) > 1 {
		t += " +" + strconv.Itoa(len(s.Abuse)-1)
	}
	return t
}

// flows lists a session's business flows, busiest first.
func flows(s *engine.Session) string {
	names := slices.Collect(maps.Keys(s.Flows))
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.Flows[b], s.Flows[a]), cmp.Compare(a, b))
	})
	for i := range names {
		names[i] = table.Sanitize(names[i])
	}
	return strings.Join(names, ",")
}

// topKey is the key with the largest count, ties broken by name so that
// the cell does not flicker between equals.
func topKey(m map[string]int) string {
	best := ""
	for k, n := range m {
		if best == "" || n > m[best] || n == m[best] && k < best {
			best = k
		}
	}
	return table.Sanitize(best)
}

// actor names the session the way an investigator knows it (see
// engine.Session.Label), as the CLI tables do.
func actor(s *engine.Session) string {
	return table.Sanitize(s.Label())
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

// span renders how long a session lasted as people read it ("37.8 ms",
// "4m05s"); a one-request session lasted no time at all.
func span(d time.Duration) string {
	if d == 0 {
		return "0 s"
	}
	return human.Duration(d)
}

func (m Model) measure() widths {
	var w widths
	for k, i := range m.order {
		s := &m.list[i]
		w.actor = max(w.actor, table.Width(actor(s)))
		w.role = max(w.role, table.Width(table.Sanitize(s.Role)))
		w.key = max(w.key, table.Width(table.Sanitize(s.KeyPoint)))
		w.ip = max(w.ip, table.Width(ips(s)))
		w.seen = max(w.seen, table.Width(human.Time(s.LastSeen, m.today)))
		w.reqs = max(w.reqs, len(human.Count(s.Requests)))
		w.c4xx = max(w.c4xx, len(human.Count(s.ClassCount(4))))
		w.c5xx = max(w.c5xx, len(human.Count(s.ClassCount(5)+s.ClassCount(0))))
		w.attacks = max(w.attacks, table.Width(attackText(s)))
		w.dur = max(w.dur, table.Width(span(s.Duration())))
		if len(s.Abuse) > 0 {
			w.abuse = max(w.abuse, table.Width(abuseText(s)))
		}
		w.flows = max(w.flows, table.Width(flows(s)))
		if mt := m.match(k); mt != nil {
			w.match = max(w.match, matchWidth(mt))
		}
		if m.mcp {
			w.mcp.add(s, m.today)
		}
	}
	return w
}

// SetActivityReset forgets every sparkline, as after a regroup, when the
// sessions they drew may no longer exist; a session ID may then stand for
// other requests, so every row is drawn again.
func (m *Model) SetActivityReset() {
	m.activity = nil
	m.rows = newRowCache()
}
