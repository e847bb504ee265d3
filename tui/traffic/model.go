package traffic

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// Sizes below which the strip shrinks or hides: a list needs its rows more
// than a picture of them.
const (
	// twoLinesFrom is the body height from which the strip takes two
	// lines (volume, then marks and the time axis).
	twoLinesFrom = 16
	// oneLineFrom is the body height from which it takes one.
	oneLineFrom = 10
	// minWidth is the narrowest terminal that shows it.
	minWidth = 30
	// gutter is the left column: the label, then the span's start.
	gutter = 9
	// rightWide is the right column when there is room for the totals
	// and the legend; it does not depend on the numbers, so a live update
	// never changes the number of buckets. rightNarrow holds the end time.
	rightWide   = 30
	rightNarrow = 8
	// minBars is the fewest buckets worth the right column's totals.
	minBars = 16
)

// Glyphs that mark a bucket on the marks line, legible without colour.
const (
	glyphAttack = "!"
	glyphError  = "×"
)

// levels are the eight bar heights; an empty bucket is a space.
var levels = []rune("▁▂▃▄▅▆▇█")

// Model is the traffic strip.
type Model struct {
	theme theme.Theme
	src   Source
	width int
	lines int
	// loaded are the sessions the screen holds, whose reads the tally
	// keeps; list are those it shows, which the strip draws.
	loaded []engine.Session
	list   []engine.Session
	series Series
	err    error
	// tally is nil while a load holds it; stale says the list or the width
	// changed since that load started, so another follows it.
	tally   *tally
	loading bool
	stale   bool
	gen     uint64
}

// New returns an empty strip reading src.
func New(th theme.Theme, src Source) Model {
	return Model{theme: th, src: src, tally: newTally()}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the width and the height the screen has for the list and
// the strip together, which decides how many lines the strip takes.
func (m *Model) SetSize(w, h int) {
	lines := 0
	switch {
	case m.src == nil || w < minWidth:
	case h >= twoLinesFrom:
		lines = 2
	case h >= oneLineFrom:
		lines = 1
	}
	if w != m.width || lines != m.lines {
		m.stale = true
	}
	m.width, m.lines = w, lines
}

// Height is the number of lines the strip takes: 0, 1 or 2.
func (m Model) Height() int { return m.lines }

// Refresh takes the sessions the screen holds and the ones it shows (a
// search or a tab may narrow them) and loads the strip for the shown ones,
// unless a load is in flight, which then runs again when it ends. What was
// read of a loaded session is kept while it is not shown, so that ending
// a search costs no second read.
func (m *Model) Refresh(loaded, shown []engine.Session) tea.Cmd {
	m.loaded, m.list = loaded, shown
	m.stale = true
	return m.next()
}

// Reset forgets what was read, as after a regroup renames every session; a
// load in flight is dropped when it ends.
func (m *Model) Reset() {
	m.gen++
	m.tally = newTally()
	m.series = Series{}
	m.stale = true
}

func (m *Model) next() tea.Cmd {
	if m.loading || !m.stale || m.lines == 0 {
		return nil
	}
	m.loading, m.stale = true, false
	t := m.tally
	m.tally = nil
	return load(m.src, t, m.loaded, m.list, m.bars(), m.gen)
}

// Update applies a finished load and starts the next if one is due.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	l, ok := msg.(LoadedMsg)
	if !ok {
		return m, nil
	}
	m.loading = false
	if l.gen != m.gen {
		return m, m.next()
	}
	m.tally = l.tally
	m.err = l.err
	if l.err == nil {
		m.series = l.series
	}
	// A load that ran out of budget continues at once: the sessions it
	// has not read are estimated meanwhile.
	m.stale = m.stale || l.more
	return m, m.next()
}

// Series returns the data on display.
func (m Model) Series() Series { return m.series }

// layout splits the width into the gutter, the bars and the right column.
func (m Model) layout() (bars, right int) {
	right = rightWide
	if m.width-gutter-1-right < minBars {
		// Too narrow for the totals: bars and the end time only.
		right = rightNarrow
	}
	return max(m.width-gutter-1-right, 1), right
}

func (m Model) bars() int {
	b, _ := m.layout()
	return b
}

func (m Model) summary() string {
	s := m.series
	n, e, a := Total(s.Counts), Total(s.Errors), Total(s.Attacks)
	approx := ""
	if s.Estimated {
		approx = "≈"
	}
	return fmt.Sprintf("%s%s req %s err %s atk", approx, count(n), count(e), count(a))
}

func (m Model) legend() string {
	return m.clock(m.series.End) + "  " + glyphAttack + " attack " + glyphError + " error"
}

// count shortens large numbers to at most six cells: 9950, 123k, 4.1M.
func count(n int) string {
	switch {
	case n < 10_000:
		return strconv.Itoa(n)
	case n < 1_000_000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.FormatFloat(float64(n)/1_000_000, 'f', 1, 64) + "M"
}

// clock formats a time on the axis: to the second over a span of less
// than an hour, to the minute over a day, else the date.
func (m Model) clock(t time.Time) string {
	switch span := m.series.End.Sub(m.series.Start); {
	case t.IsZero():
		return "--:--"
	case span > 24*time.Hour:
		return t.Format("01-02")
	case span >= time.Hour:
		return t.Format("15:04")
	}
	return t.Format("15:04:05")
}

// View draws the strip in Height lines: bars coloured by what their bucket
// holds, then a line of marks (! attack, × error) under the time axis.
// With one line, attack buckets show ! in place of their bar.
func (m Model) View() string {
	if m.lines == 0 || m.width <= 0 {
		return ""
	}
	if len(m.list) == 0 {
		// Nothing listed: the list says why, and the strip keeps its lines
		// blank so the screen does not jump when traffic arrives.
		return strings.Repeat("\n", m.lines-1)
	}
	th := m.theme
	bars, right := m.layout()
	s := m.series
	if len(s.Counts) != bars {
		// The width changed and the load that fits it has not come back:
		// draw an empty axis rather than a stretched picture.
		s = Series{Start: s.Start, End: s.End, Counts: make([]int, bars), Errors: make([]int, bars), Attacks: make([]int, bars)}
	}
	peak := 0
	for _, c := range s.Counts {
		peak = max(peak, c)
	}
	var top, bottom runs
	for i, c := range s.Counts {
		r := " "
		if c > 0 {
			r = string(levels[min((c*len(levels)-1)/peak, len(levels)-1)])
		}
		mark := " "
		st := th.Muted
		switch {
		case s.Attacks[i] > 0:
			st, mark = th.Danger, glyphAttack
			if m.lines == 1 {
				r = glyphAttack
			}
		case s.Errors[i] > 0:
			st, mark = th.Warn, glyphError
		case c > 0:
			st = th.Ok
		}
		top.add(st, r)
		bottom.add(st, mark)
	}
	label := th.Header.Render(table.Fit("traffic", gutter, table.Left))
	sum := ""
	if right > rightNarrow {
		sum = th.Muted.Render(table.Fit(m.summary(), right, table.Left))
	} else {
		sum = th.Muted.Render(m.clock(s.End))
	}
	if m.err != nil {
		sum = th.Danger.Render("error: " + table.Sanitize(m.err.Error()))
	}
	first := label + top.String() + " " + sum
	if m.lines == 1 {
		return table.Line(first, m.width)
	}
	axis := th.Muted.Render(table.Fit(m.clock(s.Start), gutter, table.Left))
	end := m.clock(s.End)
	if right > rightNarrow {
		end = m.legend()
	}
	second := axis + bottom.String() + " " + th.Muted.Render(end)
	return table.Line(first, m.width) + "\n" + table.Line(second, m.width)
}

// runs renders consecutive cells of one style in one call: styling is what
// a line of cells spends its time on.
type runs struct {
	b   strings.Builder
	run strings.Builder
	st  lipgloss.Style
	on  bool
}

func (r *runs) add(st lipgloss.Style, cell string) {
	if r.on && !sameStyle(r.st, st) {
		r.flush()
	}
	r.st, r.on = st, true
	r.run.WriteString(cell)
}

func (r *runs) flush() {
	if r.run.Len() > 0 {
		r.b.WriteString(r.st.Render(r.run.String()))
		r.run.Reset()
	}
}

func (r *runs) String() string {
	r.flush()
	return r.b.String()
}

// sameStyle compares the attributes the strip varies.
func sameStyle(a, b lipgloss.Style) bool {
	return a.GetForeground() == b.GetForeground() && a.GetBold() == b.GetBold()
}
