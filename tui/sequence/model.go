package sequence

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/sparkline"
	"github.com/spoorhq/spoor/tui/stats"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// BackMsg asks the root model to return to the sessions list.
type BackMsg struct{}

// OpenMsg asks the root model to show a request's detail.
type OpenMsg struct{ Exchange engine.Exchange }

// CopyMsg asks the root model to copy a request as a curl command.
type CopyMsg struct{ Exchange engine.Exchange }

// Model is one session's request sequence.
type Model struct {
	keys    KeyMap
	theme   theme.Theme
	session engine.Session
	all     []engine.Exchange
	// shown are the indexes of all that pass the stat filter.
	shown []int
	stats stats.Stats
	// chosen is the stat filter, if any; picking means the picker is
	// on screen in place of the rows.
	chosen  *stats.ChooseMsg
	picking bool
	picker  stats.Picker
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
	method, path, size, chips, ctx int
}

// New returns a sequence view with no session.
func New(th theme.Theme) Model {
	m := Model{keys: DefaultKeyMap(), theme: th}
	m.keys.setEnabled(false)
	m.keys.Clear.SetEnabled(false)
	return m
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area the view renders into, its header lines included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.cursor.SetRows(h - m.headerHeight() - 1)
}

// Open shows a new session whose requests are still to be loaded.
func (m *Model) Open(s engine.Session) {
	m.session = s
	m.all, m.shown = nil, nil
	m.loaded = false
	m.chosen, m.picking = nil, false
	m.stats = stats.Stats{}
	m.want = widths{}
	m.cursor.SetLen(0, 0)
	m.keys.setEnabled(false)
	m.keys.Clear.SetEnabled(false)
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
	m.all = xs
	m.loaded = true
	m.stats = stats.Compute(xs)
	m.apply()
}

// apply recomputes the shown rows from the stat filter.
func (m *Model) apply() {
	m.shown = m.shown[:0]
	for i := range m.all {
		if m.chosen == nil || slices.Contains(stats.Value(m.chosen.Dim, &m.all[i]), m.chosen.Value) {
			m.shown = append(m.shown, i)
		}
	}
	m.cursor.SetLen(len(m.shown), m.cursor.Index())
	m.keys.setEnabled(len(m.shown) > 0)
	m.keys.Clear.SetEnabled(m.chosen != nil)
	m.want = m.measure()
}

// Selected is the request under the cursor.
func (m Model) Selected() (engine.Exchange, bool) {
	if len(m.shown) == 0 {
		return engine.Exchange{}, false
	}
	return m.all[m.shown[m.cursor.Index()]], true
}

// Update moves the cursor, opens requests, picks stats and goes back.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case stats.ChooseMsg:
		m.chosen, m.picking = &msg, false
		m.cursor.SetLen(0, 0)
		m.apply()
		return m, nil
	case stats.CloseMsg:
		m.picking = false
		return m, nil
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		m.cursor.SetLen(len(m.shown), min(max(m.cursor.Index()+d, 0), max(len(m.shown)-1, 0)))
		return m, nil
	case tea.MouseClickMsg:
		from, to := m.cursor.Window()
		if i := from + msg.Y - m.headerHeight() - 1; msg.Y > m.headerHeight() && i < to {
			if i == m.cursor.Index() {
				return m, m.open()
			}
			m.cursor.SetLen(len(m.shown), i)
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.picking {
			var cmd tea.Cmd
			m.picker, cmd = m.picker.Update(msg)
			return m, cmd
		}
		return m.handleKey(msg)
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.cursor.Update(k, m.keys.Nav) {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		return m, func() tea.Msg { return BackMsg{} }
	case key.Matches(k, m.keys.Open):
		return m, m.open()
	case key.Matches(k, m.keys.Stats):
		m.picking = true
		m.picker = stats.NewPicker(m.theme, m.stats)
	case key.Matches(k, m.keys.Clear):
		m.chosen = nil
		m.apply()
	case key.Matches(k, m.keys.Copy):
		if x, ok := m.Selected(); ok {
			return m, func() tea.Msg { return CopyMsg{Exchange: x} }
		}
	}
	return m, nil
}

func (m Model) open() tea.Cmd {
	x, ok := m.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return OpenMsg{Exchange: x} }
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	if m.picking {
		return m.picker.ShortHelp()
	}
	return m.keys.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	if m.picking {
		return m.picker.FullHelp()
	}
	return m.keys.FullHelp()
}

// View renders the header and exactly the rows that fit.
func (m Model) View() string {
	if m.height <= 0 || m.width <= 0 {
		return ""
	}
	lines := make([]string, 0, m.height)
	for _, l := range m.headerLines() {
		lines = append(lines, table.Line(l, m.width))
	}
	rows := m.height - len(lines)
	if m.picking {
		lines = append(lines, strings.Split(m.picker.View(m.width, rows), "\n")...)
		return m.finish(lines)
	}
	cols := m.columns()
	ws := table.Layout(cols, m.width)
	lines = append(lines, table.Line(table.Header(cols, ws, m.theme.Header), m.width))
	switch {
	case !m.loaded:
		lines = append(lines, m.theme.Muted.Render(table.Line("loading requests…", m.width)))
	case len(m.shown) == 0:
		lines = append(lines, m.theme.Muted.Render(table.Line("no requests stored for this session", m.width)))
	}
	from, to := m.cursor.Window()
	for i := from; i < to; i++ {
		selected := i == m.cursor.Index()
		line := table.Row(cols, ws, m.cells(&m.all[m.shown[i]]), selected)
		if selected {
			line = m.theme.Cursor.Render(table.Fit(line, m.width, table.Left))
		}
		lines = append(lines, table.Line(line, m.width))
	}
	return m.finish(lines)
}

func (m Model) finish(lines []string) string {
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.height], "\n")
}

// headerHeight is the number of lines above the column titles: fewer on a
// short terminal, where the rows matter more than the pictures.
func (m Model) headerHeight() int {
	return len(m.headerLines())
}

// headerLines sum up the session: who, how much, the verdicts with their
// detectors, and the pictures. Counts come before the IP and user-agent
// lists because those can be long and are what a narrow terminal cuts.
func (m Model) headerLines() []string {
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
	first := []string{th.Accent.Render(name)}
	if s.Role != "" {
		first = append(first, "role "+table.Sanitize(s.Role))
	}
	first = append(first, th.Muted.Render(table.Sanitize(s.KeyPoint)), reqs, span(s.Duration()), clean(s.IPs))
	lines := []string{strings.Join(first, sep)}
	if m.height < 12 {
		return lines
	}
	second := []string{th.Muted.Render("UA " + clean(s.UserAgents))}
	if len(s.Flows) > 0 {
		second = append([]string{"flows " + flowList(s)}, second...)
	}
	lines = append(lines, strings.Join(second, sep))
	for i, v := range s.Abuse {
		if i == 2 {
			break
		}
		lines = append(lines, m.verdict(v))
	}
	if m.loaded && len(m.all) > 0 {
		lines = append(lines, m.pictures())
	}
	if m.chosen != nil {
		lines = append(lines, th.Accent.Render(fmt.Sprintf("only %s %s", strings.ToLower(m.chosen.Dim.String()), table.Sanitize(m.chosen.Value)))+th.Muted.Render(fmt.Sprintf(" · %d of %d requests · x shows all", len(m.shown), len(m.all))))
	}
	return lines
}

// verdict renders one abuse verdict with each detector as "value vs
// baseline", so the investigator can weigh the evidence.
func (m Model) verdict(v engine.Verdict) string {
	th := m.theme
	parts := []string{th.Warn.Render(fmt.Sprintf("⚠ %s %.0f%%", table.Sanitize(v.Type), v.Confidence*100))}
	for _, d := range v.Detectors {
		unit := ""
		if d.Unit != "" {
			unit = " " + table.Sanitize(d.Unit)
		}
		parts = append(parts, fmt.Sprintf("%s %s vs %s%s", table.Sanitize(d.Name), num(d.Value), num(d.Baseline), unit))
	}
	return strings.Join(parts, th.Muted.Render(" · "))
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', 3, 64) }

// pictures draws the status-code mix, the latency histogram and the
// slowest endpoint's percentiles on one line.
func (m Model) pictures() string {
	th := m.theme
	c := m.stats.Classes
	bar := sparkline.Bar([]sparkline.Part{
		{N: c[2], Style: th.Status(200)}, {N: c[3], Style: th.Status(300)}, {N: c[1], Style: th.Status(100)},
		{N: c[4], Style: th.Status(400)}, {N: c[5], Style: th.Status(500)}, {N: c[0], Style: th.Status(0)},
	}, 20)
	hist := sparkline.Render(sparkline.Series{Counts: stats.Histogram(m.stats.Durations, 16), Errors: make([]int, 16)}, 16, th.Accent, th.Danger)
	line := "status " + bar + "  latency 1ms " + hist + " " + latency(m.stats.Durations[len(m.stats.Durations)-1])
	if e := m.stats.Endpoints; len(e) > 0 {
		line += th.Muted.Render(fmt.Sprintf("  slowest %s p50 %s p95 %s", table.Sanitize(e[0].Endpoint), latency(e[0].P50), latency(e[0].P95)))
	}
	return line
}

func flowList(s *engine.Session) string {
	names := make([]string, 0, len(s.Flows))
	for n := range s.Flows {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%s %.0f%%", table.Sanitize(n), s.FlowShare(n)*100)
	}
	return strings.Join(out, ", ")
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
	colAttacks
	colContext
)

// columns describes the table for the loaded requests. PATH takes what is
// left; context, size and then duration go when the terminal is narrow,
// while attack chips stay as long as anything does.
func (m Model) columns() []table.Column {
	w := m.want
	cols := []table.Column{
		colOffset:   {Title: "OFFSET", Min: 7, Want: 7, Align: table.Right},
		colMethod:   {Title: "METHOD", Min: 4, Want: max(w.method, 6)},
		colPath:     {Title: "PATH", Min: 10, Want: max(w.path, 4), Grow: 1},
		colStatus:   {Title: "STATUS", Min: 6, Want: 6, Align: table.Right},
		colDuration: {Title: "DURATION", Min: 8, Want: 8, Align: table.Right, Drop: 2},
		colSize:     {Title: "SIZE", Min: max(w.size, 4), Want: max(w.size, 4), Align: table.Right, Drop: 3},
		colAttacks:  {Title: "ATTACKS", Min: 7, Want: max(w.chips, 7), Drop: 1, Grow: 2},
		colContext:  {Title: "CONTEXT", Min: 8, Want: max(w.ctx, 7), Drop: 4, Grow: 3},
	}
	// Columns without a value in any row go before any that says
	// something.
	if w.chips == 0 {
		cols[colAttacks].Drop += 10
	}
	if w.ctx == 0 {
		cols[colContext].Drop += 10
	}
	return cols
}

// start is the time offsets count from: the session's first request, read
// from the summary so that offsets do not shift if older requests are
// pruned, and from the requests only when the summary lacks it.
func (m Model) start() time.Time {
	if m.session.FirstSeen.IsZero() && len(m.all) > 0 {
		return m.all[0].Start
	}
	return m.session.FirstSeen
}

func (m Model) cells(x *engine.Exchange) []table.Cell {
	th := m.theme
	status := table.Cell{Text: "ERR", Style: th.Status(0)}
	if x.Status != 0 {
		status = table.Cell{Text: strconv.Itoa(x.Status), Style: th.Status(x.Status)}
	}
	dur := table.Cell{Text: latency(x.Duration)}
	if x.Duration >= m.stats.Slow && m.stats.Slow > 0 {
		// A slow request is marked in text as well as colour, for
		// NO_COLOR terminals.
		dur = table.Cell{Text: "▲" + latency(x.Duration), Style: th.Warn}
	}
	chips := table.Cell{Text: "", Style: th.Chip}
	if c := chipText(x); c != "" {
		chips.Text = c
	}
	return []table.Cell{
		colOffset:   {Text: offset(x.Start.Sub(m.start())), Style: th.Muted},
		colMethod:   {Text: table.Sanitize(x.Method)},
		colPath:     {Text: target(x)},
		colStatus:   status,
		colDuration: dur,
		colSize:     {Text: size(x.RespBody.Size), Style: th.Muted},
		colAttacks:  chips,
		colContext:  {Text: contextText(x), Style: th.Muted},
	}
}

// chipText lists a request's attack types as chips: [sqli][xss].
func chipText(x *engine.Exchange) string {
	var b strings.Builder
	for _, t := range stats.Value(stats.DimAttack, x) {
		b.WriteString("[" + table.Sanitize(t) + "]")
	}
	return b.String()
}

// contextText lists the request's context values, hashed ones as their
// (shortened) hash, never a clear value the store does not have.
func contextText(x *engine.Exchange) string {
	names := make([]string, 0, len(x.Context))
	for n := range x.Context {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		v := x.Context[n]
		if engine.IsHashed(v) && len(v) > 13 {
			v = v[:13] + "…"
		}
		parts[i] = table.Sanitize(shortPoint(n) + "=" + v)
	}
	return strings.Join(parts, " ")
}

// shortPoint drops the request-point prefix a column header already
// implies: req.json.amount reads as amount.
func shortPoint(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// target is what the request does: the MCP call or GraphQL operation it
// carries, else its path with its query, as it was sent.
func target(x *engine.Exchange) string {
	if t := Operation(x); t != "" {
		return t
	}
	return table.Sanitize(x.Target())
}

func (m Model) measure() widths {
	var w widths
	for _, i := range m.shown {
		x := &m.all[i]
		w.method = max(w.method, table.Width(table.Sanitize(x.Method)))
		w.path = max(w.path, table.Width(target(x)))
		w.size = max(w.size, table.Width(size(x.RespBody.Size)))
		w.chips = max(w.chips, table.Width(chipText(x)))
		w.ctx = max(w.ctx, table.Width(contextText(x)))
	}
	return w
}
