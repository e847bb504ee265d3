package endpoints

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/sequence"
	"github.com/spoorhq/spoor/tui/sparkline"
	"github.com/spoorhq/spoor/tui/table"
)

// Column indexes, in display order.
const (
	colMethod = iota
	colHost
	colEndpoint
	colSpec
	colReqs
	colSessions
	colUsers
	col4xx
	col5xx
	colP50
	colP95
	colP99
	colDist
	colAttacks
	colLastSeen
	columnCount
)

// slowBound is where the distribution bar's buckets turn to the warning
// style: a request of a second or more is slow for an API.
const slowBound = 1000.0

// widths are the content widths of the columns whose size depends on data.
type widths struct {
	method, host, endpoint, spec, reqs, sessions, users, attacks, seen int
}

func (m Model) measure() widths {
	var w widths
	for _, i := range m.order {
		e := &m.list[i]
		w.method = max(w.method, table.Width(table.Sanitize(e.Method)))
		w.host = max(w.host, table.Width(table.Sanitize(e.Host)))
		w.endpoint = max(w.endpoint, table.Width(table.Sanitize(e.Template)))
		w.spec = max(w.spec, table.Width(specText(e)))
		w.reqs = max(w.reqs, len(human.Count(e.Requests)))
		w.sessions = max(w.sessions, len(human.Count(e.Sessions)))
		w.users = max(w.users, len(human.Count(e.Users)))
		w.attacks = max(w.attacks, table.Width(attackText(e)))
		w.seen = max(w.seen, table.Width(human.Time(e.LastSeen, m.today)))
	}
	return w
}

// columns describes the table for the rows shown. What identifies an
// endpoint (up to 24 cells of it), how it stands against the spec, its
// requests and p95 never go; on a narrow terminal last seen, users,
// sessions, the distribution, p99 and 4xx go first, in that order, then
// p50, attacks and 5xx. HOST is there only when
// the rows span more than one host, and SPEC only when a specification
// gave some endpoint a status.
func (m Model) columns() ([]table.Column, []bool) {
	w := m.want
	cols := []table.Column{
		colMethod:   {Title: "METHOD", Min: max(w.method, 4), Want: max(w.method, 6)},
		colHost:     {Title: "HOST", Min: min(max(w.host, 4), 12), Want: max(w.host, 4), Drop: 11, Grow: 2},
		colEndpoint: {Title: "ENDPOINT", Min: min(max(w.endpoint, 8), 24), Want: max(w.endpoint, 8), Grow: 1},
		colSpec:     {Title: "SPEC", Min: max(w.spec, 4), Want: max(w.spec, 4)},
		colReqs:     {Title: "REQS", Min: max(w.reqs, 4), Want: max(w.reqs, 4), Align: table.Right},
		colSessions: {Title: "SESS", Min: max(w.sessions, 4), Want: max(w.sessions, 4), Align: table.Right, Drop: 8},
		colUsers:    {Title: "USERS", Min: max(w.users, 5), Want: max(w.users, 5), Align: table.Right, Drop: 9},
		col4xx:      {Title: "4XX", Min: 4, Want: 4, Align: table.Right, Drop: 4},
		col5xx:      {Title: "5XX", Min: 4, Want: 4, Align: table.Right, Drop: 1},
		colP50:      {Title: "P50", Min: 7, Want: 7, Align: table.Right, Drop: 3},
		colP95:      {Title: "P95", Min: 7, Want: 7, Align: table.Right},
		colP99:      {Title: "P99", Min: 7, Want: 7, Align: table.Right, Drop: 5},
		colDist:     {Title: "LATENCY", Min: len(inventory.LatencyBounds()) + 1, Want: len(inventory.LatencyBounds()) + 1, Drop: 7},
		colAttacks:  {Title: "ATTACKS", Min: 7, Want: max(w.attacks, 7), Drop: 2, Grow: 3},
		colLastSeen: {Title: "LAST SEEN", Min: max(w.seen, 8), Want: max(w.seen, 9), Drop: 10},
	}
	if w.attacks == 0 {
		cols[colAttacks].Drop += 10
	}
	sorted := &cols[m.sort.column()]
	sorted.Title += m.arrow()
	sorted.Want = max(sorted.Want, table.Width(sorted.Title))
	sorted.Min = max(sorted.Min, table.Width(sorted.Title))
	present := make([]bool, columnCount)
	for i := range present {
		present[i] = true
	}
	present[colHost] = m.hosts > 1
	present[colSpec] = w.spec > 0
	return cols, present
}

// arrow marks the sorted column: ▲ ascending, ▼ descending.
func (m Model) arrow() string {
	if Ascending(m.sort, m.reversed) {
		return "▲"
	}
	return "▼"
}

// keep returns the items of xs whose column is present.
func keep[T any](xs []T, present []bool) []T {
	out := make([]T, 0, len(xs))
	for i, x := range xs {
		if present[i] {
			out = append(out, x)
		}
	}
	return out
}

// cells renders one endpoint's values; zero counts are muted so that the
// eye lands on the rows that have something.
func (m Model) cells(e *inventory.Endpoint) []table.Cell {
	th := m.theme
	c4, c5 := classShares(e)
	share := func(v float64, hot lipgloss.Style) table.Cell {
		if v == 0 {
			return table.Cell{Text: "0", Style: th.Muted}
		}
		return table.Cell{Text: percent(v), Style: hot}
	}
	attacks := table.Cell{Text: "·", Style: th.Muted}
	if t := attackText(e); t != "" {
		attacks = table.Cell{Text: t, Style: th.Danger}
	}
	spec := table.Cell{Text: specText(e), Style: th.Spec(e.SpecStatus)}
	if e.SpecStatus == "" {
		spec = table.Cell{Text: "·", Style: th.Muted}
	}
	return []table.Cell{
		colMethod:   {Text: table.Sanitize(e.Method)},
		colHost:     {Text: table.Sanitize(e.Host), Style: th.Muted},
		colEndpoint: {Text: table.Sanitize(e.Template), Style: th.Accent},
		colSpec:     spec,
		colReqs:     {Text: human.Count(e.Requests)},
		colSessions: {Text: human.Count(e.Sessions)},
		colUsers:    {Text: human.Count(e.Users)},
		col4xx:      share(c4, th.Status(400)),
		col5xx:      share(c5, th.Status(500)),
		colP50:      {Text: millis(e.Latency.P50)},
		colP95:      {Text: millis(e.Latency.P95)},
		colP99:      {Text: millis(e.Latency.P99), Style: th.Muted},
		colDist:     {Text: distribution(e, m)},
		colAttacks:  attacks,
		colLastSeen: {Text: human.Time(e.LastSeen, m.today), Style: th.Muted},
	}
}

// distribution draws the endpoint's requests over the latency buckets,
// one cell a bucket from 1 ms to over 2 s; the buckets of a second and
// more take the warning style.
func distribution(e *inventory.Endpoint, m Model) string {
	bounds := inventory.LatencyBounds()
	n := len(bounds) + 1
	if len(e.Distribution) != n {
		return ""
	}
	s := sparkline.Series{Counts: make([]int, n), Errors: make([]int, n)}
	for i, c := range e.Distribution {
		s.Counts[i] = int(c)
		if i > 0 && bounds[i-1] >= slowBound {
			s.Errors[i] = int(c)
		}
	}
	return sparkline.Render(s, n, m.theme.Accent, m.theme.Warn)
}

// specText is the SPEC cell: the endpoint's status, "·" without one.
func specText(e *inventory.Endpoint) string {
	return table.Sanitize(sequence.SpecLabel(e.SpecStatus))
}

// classShares are the shares of an endpoint's requests answered 4xx and
// 5xx (or not at all).
func classShares(e *inventory.Endpoint) (c4, c5 float64) {
	if e.Requests == 0 {
		return 0, 0
	}
	var n4, n5 int64
	for code, n := range e.StatusCounts {
		switch {
		case code >= 400 && code < 500:
			n4 += n
		case code >= 500 || code < 100:
			n5 += n
		}
	}
	return float64(n4) / float64(e.Requests), float64(n5) / float64(e.Requests)
}

// percent renders a share as a whole percentage, "<1%" for a share too
// small to round to one, so that a single error never reads as none.
func percent(v float64) string {
	p := int(v*100 + 0.5)
	if p == 0 {
		return "<1%"
	}
	return strconv.Itoa(p) + "%"
}

// millis renders a latency in milliseconds as internal/human does a
// duration: "850 µs", "37.8 ms", "1.24 s".
func millis(ms float64) string {
	if ms <= 0 {
		return "0"
	}
	return human.Duration(time.Duration(ms * float64(time.Millisecond)))
}

// attackCount is the number of attack tags on the endpoint's requests.
func attackCount(e *inventory.Endpoint) int64 {
	var n int64
	for _, c := range e.Attacks {
		n += c
	}
	return n
}

// attackText is the attack count and the most frequent type: "17 sqli".
func attackText(e *inventory.Endpoint) string {
	n := attackCount(e)
	if n == 0 {
		return ""
	}
	best := ""
	for t, c := range e.Attacks {
		if best == "" || c > e.Attacks[best] || c == e.Attacks[best] && t < best {
			best = t
		}
	}
	return human.Count(n) + " " + table.Sanitize(best)
}

// View renders the header and exactly the rows that fit, and the search
// input while a search is typed or applied.
func (m Model) View() string {
	if m.height <= 0 || m.width <= 0 {
		return ""
	}
	all, present := m.columns()
	cols := keep(all, present)
	ws := table.Layout(cols, m.width)
	lines := make([]string, 0, m.height)
	lines = append(lines, table.Line(table.Header(cols, ws, m.theme.Header), m.width))
	if len(m.order) == 0 && m.height > 2 {
		empty := m.emptyText()
		pad := max((m.width-lipgloss.Width(empty))/2, 0)
		lines = append(lines, "", table.Line(strings.Repeat(" ", pad)+m.theme.Muted.Render(empty), m.width))
	}
	from, to := m.cursor.Window()
	for i := from; i < to; i++ {
		selected := i == m.cursor.Index()
		line := table.Row(cols, ws, keep(m.cells(&m.list[m.order[i]]), present), selected)
		if selected {
			line = m.theme.Cursor.Render(table.Fit(line, m.width, table.Left))
		}
		lines = append(lines, table.Line(line, m.width))
	}
	search := m.typing || m.input.Value() != ""
	body := m.height
	if search {
		body--
	}
	for len(lines) < body {
		lines = append(lines, "")
	}
	lines = lines[:body]
	if search {
		lines = append(lines, table.Line(m.input.View(), m.width))
	}
	return strings.Join(lines, "\n")
}
