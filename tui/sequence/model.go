package sequence

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/filterbar"
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
	now     func() time.Time
	session engine.Session
	all     []engine.Exchange
	// shown are the indexes of all that pass the stat filter and the
	// filter.
	shown []int
	stats stats.Stats
	// wide are the session-wide tags the header states once, and spec
	// counts the requests the specification does not account for, which
	// the header counts and explains (nil when there are none).
	wide []wideTag
	spec map[string]int
	// bar is the filter input, on screen while typing; expr and flt are
	// the filter applied, which a new session clears.
	bar    filterbar.Model
	typing bool
	expr   string
	flt    *filter.Filter
	// raw shows paths and queries as sent instead of decoded; it is a
	// way of reading, so it outlives the session on display.
	raw bool
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
	method, path, size, chips, ctx, spec int
}

// New returns a sequence view with no session; relative bounds in its
// filter (since:1h) are read against now.
func New(th theme.Theme, now func() time.Time) Model {
	m := Model{keys: DefaultKeyMap(), theme: th, now: now, bar: filterbar.New(th, now)}
	m.keys.setEnabled(false)
	m.keys.Clear.SetEnabled(false)
	m.keys.setFiltered(false)
	return m
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.bar.SetTheme(th)
}

// SetSize sets the area the view renders into, its header lines and the
// filter input included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.bar.SetSize(w)
	m.resize()
}

// resize fits the cursor's window to what the header and the filter
// input leave, both of which grow and shrink.
func (m *Model) resize() {
	m.cursor.SetRows(m.height - m.headerHeight() - 1 - m.barHeight())
}

// Open shows a new session whose requests are still to be loaded.
func (m *Model) Open(s engine.Session) {
	m.session = s
	m.all, m.shown = nil, nil
	m.loaded = false
	m.chosen, m.picking = nil, false
	m.expr, m.flt, m.typing = "", nil, false
	m.bar.Blur()
	m.wide, m.spec = nil, nil
	m.stats = stats.Stats{}
	m.want = widths{}
	m.cursor.SetLen(0, 0)
	m.keys.setEnabled(false)
	m.keys.Clear.SetEnabled(false)
	m.keys.setFiltered(false)
	m.resize()
}

// Session is the session on display.
func (m Model) Session() engine.Session { return m.session }

// SetSession refreshes the header with a newer summary of the same session.
func (m *Model) SetSession(s engine.Session) {
	if s.ID == m.session.ID {
		m.session = s
	}
}

// SetExchanges replaces the requests. The cursor stays on the request it
// was on, or, when the filter no longer shows it (a tag just muted), on
// the next one shown.
func (m *Model) SetExchanges(xs []engine.Exchange) {
	sel, had := m.Selected()
	m.all = xs
	m.loaded = true
	m.stats = stats.Compute(xs)
	m.wide = wideTags(xs)
	m.spec = specCounts(xs)
	m.apply()
	if had {
		m.follow(sel.ID)
	}
}

// follow puts the cursor on the first request shown from id on, if any.
func (m *Model) follow(id uint64) {
	for j, i := range m.shown {
		if m.all[i].ID >= id {
			m.cursor.SetLen(len(m.shown), j)
			return
		}
	}
}

// apply recomputes the shown rows from the stat filter and the filter.
func (m *Model) apply() {
	m.shown = m.shown[:0]
	for i := range m.all {
		if m.matches(&m.all[i]) {
			m.shown = append(m.shown, i)
		}
	}
	m.keys.setEnabled(len(m.shown) > 0)
	m.keys.Clear.SetEnabled(m.chosen != nil)
	m.keys.setFiltered(m.filtered())
	m.want = m.measure()
	m.resize()
	m.cursor.SetLen(len(m.shown), m.cursor.Index())
}

// Raw reports whether paths show as sent rather than decoded.
func (m Model) Raw() bool { return m.raw }

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
	case filterbar.AppliedMsg, filterbar.CancelledMsg:
		return m.handleFilterMsg(msg), nil
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
		if m.typing {
			return m.updateBar(msg)
		}
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
	case key.Matches(k, m.keys.Unfilter):
		m.unfilter()
	case key.Matches(k, m.keys.Back):
		return m, func() tea.Msg { return BackMsg{} }
	case key.Matches(k, m.keys.Filter):
		return m, m.openFilter()
	case key.Matches(k, m.keys.Raw):
		m.raw = !m.raw
		m.keys.setRaw(m.raw)
		m.want = m.measure()
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
	if m.typing {
		return m.bar.ShortHelp()
	}
	if m.picking {
		return m.picker.ShortHelp()
	}
	return m.keys.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	if m.typing {
		return m.bar.FullHelp()
	}
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
	rows := m.height - len(lines) - m.barHeight()
	if m.picking {
		lines = append(lines, strings.Split(m.picker.View(m.width, rows), "\n")...)
		return m.finish(lines)
	}
	cols, ws := m.layout()
	lines = append(lines, table.Line(table.Header(cols, ws, m.theme.Header), m.width))
	switch {
	case !m.loaded:
		lines = append(lines, m.theme.Muted.Render(table.Line("loading requests…", m.width)))
	case len(m.shown) == 0 && m.filtered():
		lines = append(lines, m.theme.Muted.Render(table.Line("no request matches · esc shows all", m.width)))
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

// finish pads the rows to the height and puts the filter input, when it
// is open, on the last lines.
func (m Model) finish(lines []string) string {
	bar := m.barView()
	body := max(m.height-len(bar), 0)
	for len(lines) < body {
		lines = append(lines, "")
	}
	lines = append(lines[:body], bar...)
	return strings.Join(lines[:m.height], "\n")
}

// headerHeight is the number of lines above the column titles: fewer on a
// short terminal, where the rows matter more than the pictures.
func (m Model) headerHeight() int {
	return len(m.headerLines())
}

// headerLines sum up the session: who, how much, what it is tagged with
// as a whole, the verdicts as sentences, the pictures, and what narrows
// the rows. Counts come before the IP and user-agent lists because those
// can be long and are what a narrow terminal cuts. A short terminal keeps
// the first line and the filter's, which says that rows are hidden.
func (m Model) headerLines() []string {
	s := &m.session
	th := m.theme
	sep := th.Muted.Render(" · ")
	name := table.Sanitize(s.Actor)
	if s.User != "" {
		name = table.Sanitize(s.User)
	}
	reqs := human.Count(s.Requests) + " " + plural(s.Requests, "request", "requests")
	first := []string{th.Accent.Render(name)}
	if s.Role != "" {
		first = append(first, "role "+table.Sanitize(s.Role))
	}
	first = append(first, th.Muted.Render(table.Sanitize(s.KeyPoint)), reqs, human.Duration(s.Duration()), clean(s.IPs))
	lines := []string{strings.Join(first, sep)}
	if m.height >= 12 {
		second := []string{th.Muted.Render("UA " + clean(s.UserAgents))}
		if len(s.Flows) > 0 {
			second = append([]string{"flows " + flowList(s)}, second...)
		}
		lines = append(lines, strings.Join(second, sep))
		for _, w := range m.wide {
			lines = append(lines, th.Chip.Render("["+table.Sanitize(w.typ)+"]")+" "+w.text(len(m.all)))
		}
		if l := specLegend(m.spec, th); l != "" {
			lines = append(lines, l)
		}
		for i, v := range s.Abuse {
			if i == 2 {
				break
			}
			lines = append(lines, m.verdictLines(v)...)
		}
		if m.loaded && len(m.all) > 0 {
			lines = append(lines, m.pictures())
		}
	}
	if m.filtered() {
		lines = append(lines, m.filterLine())
	}
	return lines
}

// verdictLines writes a verdict's sentence on one line, cut at the
// width, or on a tall terminal on up to two, so that the evidence after
// the strongest measurement can be read too.
func (m Model) verdictLines(v engine.Verdict) []string {
	mark := m.theme.Warn.Render("⚠ ")
	text := Sentence(v)
	if m.height < 40 || m.width < 20 {
		return []string{mark + text}
	}
	wrapped := strings.Split(ansi.Wordwrap(text, m.width-2, ""), "\n")
	if len(wrapped) > 2 {
		// The second line ends cut, as a one-line verdict does.
		wrapped = []string{wrapped[0], strings.Join(wrapped[1:], " ")}
	}
	out := []string{mark + wrapped[0]}
	for _, w := range wrapped[1:] {
		out = append(out, "  "+w)
	}
	return out
}

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
	line := "status " + bar + "  latency 1 ms " + hist + " " + latency(m.stats.Durations[len(m.stats.Durations)-1])
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
	colSpec
	colContext
)

// columns describes the table for the loaded requests. PATH takes what is
// left, and keeps up to 24 cells before empty columns, context, size and
// then duration go when the terminal is narrow: the path is what an
// investigator reads. Attack chips stay as long as anything does (layout).
func (m Model) columns() []table.Column {
	w := m.want
	path := "PATH"
	if m.raw {
		path = "PATH (raw)"
	}
	cols := []table.Column{
		colOffset:   {Title: "OFFSET", Min: 7, Want: 7, Align: table.Right},
		colMethod:   {Title: "METHOD", Min: 4, Want: max(w.method, 6)},
		colPath:     {Title: path, Min: min(max(w.path, 10), 24), Want: max(w.path, table.Width(path)), Grow: 1},
		colStatus:   {Title: "STATUS", Min: 6, Want: 6, Align: table.Right},
		colDuration: {Title: "DURATION", Min: 8, Want: 8, Align: table.Right, Drop: 2},
		colSize:     {Title: "SIZE", Min: max(w.size, 4), Want: max(w.size, 4), Align: table.Right, Drop: 3},
		colAttacks:  {Title: "ATTACKS", Min: 7, Want: max(w.chips, 7), Drop: 1, Grow: 2},
		colSpec:     {Title: "SPEC", Min: max(w.spec, 4), Want: max(w.spec, 4), Drop: 2},
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
	if w.spec == 0 {
		// No request is marked: the column is not there at all, so that
		// a capture without a specification reads as it always has.
		cols = slices.Delete(cols, colSpec, colSpec+1)
	}
	return cols
}

// layout fits the columns to the width. PATH asks for 24 cells before
// other columns go, but not at the cost of the attack chips: on a
// terminal too narrow for both, it shrinks to its least again.
func (m Model) layout() ([]table.Column, []int) {
	cols := m.columns()
	ws := table.Layout(cols, m.width)
	if ws[colAttacks] == 0 && m.want.chips > 0 && cols[colPath].Min > 10 {
		cols[colPath].Min = 10
		ws = table.Layout(cols, m.width)
	}
	return cols, ws
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
	cells := []table.Cell{
		colOffset:   {Text: offset(x.Start.Sub(m.start())), Style: th.Muted},
		colMethod:   {Text: table.Sanitize(x.Method)},
		colPath:     {Text: target(x, m.raw)},
		colStatus:   status,
		colDuration: dur,
		colSize:     {Text: size(x.RespBody.Size), Style: th.Muted},
		colAttacks:  chips,
		colSpec:     {Text: specCell(x), Style: th.Spec(x.SpecStatus)},
		colContext:  {Text: contextText(x), Style: th.Muted},
	}
	if m.want.spec == 0 {
		cells = slices.Delete(cells, colSpec, colSpec+1)
	}
	return cells
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

func (m Model) measure() widths {
	var w widths
	for _, i := range m.shown {
		x := &m.all[i]
		w.method = max(w.method, table.Width(table.Sanitize(x.Method)))
		w.path = max(w.path, table.Width(target(x, m.raw)))
		w.size = max(w.size, table.Width(size(x.RespBody.Size)))
		w.chips = max(w.chips, table.Width(chipText(x)))
		w.ctx = max(w.ctx, table.Width(contextText(x)))
		w.spec = max(w.spec, table.Width(specCell(x)))
	}
	return w
}
