package sessions

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/table"
)

// noMCPText is what the MCP tab says when sessions exist but none spoke
// MCP, so that an empty tab is not mistaken for no traffic at all.
const noMCPText = "no MCP sessions yet"

// SetMCP switches between all sessions and the MCP tab: only the sessions
// that spoke MCP, with their methods, primitives and MCP errors. The
// cursor stays on its session when that session is still shown.
func (m *Model) SetMCP(on bool) {
	if m.mcp == on {
		return
	}
	m.mcp = on
	m.rows = newRowCache()
	m.SetSessions(m.list)
}

// MCP reports whether the list shows the MCP tab.
func (m Model) MCP() bool { return m.mcp }

// MCP column indexes, in display order.
const (
	mcpLastSeen = iota
	mcpClient
	mcpSession
	mcpUser
	mcpMethods
	mcpPrimitives
	mcpErrors
	mcpAttacks
	mcpMatch
)

// mcpWidths are the content widths of the MCP tab's data-sized columns.
type mcpWidths struct {
	seen, client, session, user, methods, prims, errors, attacks int
}

func (w *mcpWidths) add(s *engine.Session, today time.Time) {
	w.client = max(w.client, table.Width(mcpClientText(s)))
	w.session = max(w.session, table.Width(shortKey(s.KeyID)))
	w.user = max(w.user, table.Width(table.Sanitize(s.User)))
	w.methods = max(w.methods, table.Width(counts(methodsOf(s))))
	w.prims = max(w.prims, table.Width(counts(primitivesOf(s))))
	w.seen = max(w.seen, table.Width(human.Time(s.LastSeen, today)))
	w.errors = max(w.errors, len(human.Count(errorCount(s))))
	w.attacks = max(w.attacks, table.Width(attackText(s)))
}

// mcpColumns describes the MCP tab. What the agent did (methods, then
// primitives) is kept longest after who it is; the user and the session
// hash go first on a narrow terminal.
func (m Model) mcpColumns() []table.Column {
	w := m.want.mcp
	cols := []table.Column{
		mcpLastSeen:   {Title: "LAST SEEN", Min: max(w.seen, 8), Want: max(w.seen, 9)},
		mcpClient:     {Title: "CLIENT", Min: min(max(w.client, 6), 16), Want: max(w.client, 6), Grow: 1},
		mcpSession:    {Title: "SESSION", Min: 8, Want: max(w.session, 7), Drop: 5},
		mcpUser:       {Title: "USER", Min: 6, Want: max(w.user, 4), Drop: 4, Grow: 1},
		mcpMethods:    {Title: "METHODS", Min: 14, Want: max(w.methods, 7), Grow: 3},
		mcpPrimitives: {Title: "PRIMITIVES", Min: 12, Want: max(w.prims, 10), Drop: 3, Grow: 2},
		mcpErrors:     {Title: "ERRORS", Min: 6, Want: max(w.errors, 6), Align: table.Right, Drop: 2},
		mcpAttacks:    {Title: "ATTACKS", Min: 8, Want: max(w.attacks, 8), Drop: 1, Grow: 1},
		mcpMatch:      {Title: "MATCH", Min: 12, Want: max(m.want.match, 5)},
	}
	if m.found == nil {
		cols[mcpMatch] = table.Column{Drop: 20}
	}
	if w.user == 0 {
		cols[mcpUser].Drop += 10
	}
	// The tab marks the sort where it has the column; the status bar
	// names any other.
	if c, ok := map[SortKey]int{SortLastSeen: mcpLastSeen, SortActor: mcpClient, SortAttacks: mcpAttacks}[m.sort]; ok && (m.sort != SortLastSeen || m.reversed) {
		cols[c].Title += m.arrow()
		cols[c].Want = max(cols[c].Want, table.Width(cols[c].Title))
	}
	return cols
}

// mcpCells renders one MCP session's values.
func (m Model) mcpCells(s *engine.Session, mt *Match, _ int) []table.Cell {
	p := m.paint
	errs := table.Cell{Text: "0", Paint: p.muted}
	if n := errorCount(s); n > 0 {
		errs = table.Cell{Text: human.Count(n), Paint: p.danger}
	}
	attacks := table.Cell{Text: "·", Paint: p.muted}
	if t := attackText(s); t != "" {
		attacks = table.Cell{Text: t, Paint: p.danger}
	}
	cells := []table.Cell{
		mcpLastSeen:   {Text: human.Time(s.LastSeen, m.today), Paint: p.muted},
		mcpClient:     {Text: mcpClientText(s), Paint: p.accent},
		mcpSession:    {Text: shortKey(s.KeyID), Paint: p.muted},
		mcpUser:       {Text: table.Sanitize(s.User)},
		mcpMethods:    {Text: counts(methodsOf(s))},
		mcpPrimitives: {Text: counts(primitivesOf(s)), Paint: p.muted},
		mcpErrors:     errs,
		mcpAttacks:    attacks,
		mcpMatch:      {},
	}
	if mt != nil {
		cells[mcpMatch] = m.matchCell(mt)
	}
	return cells
}

// mcpClientText names the agent: the client it declared at initialize,
// else the actor the key names.
func mcpClientText(s *engine.Session) string {
	if s.MCP != nil && s.MCP.Client != "" {
		return table.Sanitize(s.MCP.Client)
	}
	return actor(s)
}

// shortKey shortens a session's key hash to what tells sessions apart.
func shortKey(id string) string {
	r := []rune(table.Sanitize(id))
	return string(r[:min(len(r), 8)])
}

// errorCount counts a session's failed responses and its MCP signals.
func errorCount(s *engine.Session) int {
	n := s.ClassCount(4) + s.ClassCount(5) + s.ClassCount(0)
	if s.MCP != nil {
		for _, c := range s.MCP.Signals {
			n += c
		}
	}
	return n
}

func methodsOf(s *engine.Session) map[string]int {
	if s.MCP == nil {
		return nil
	}
	return s.MCP.Methods
}

func primitivesOf(s *engine.Session) map[string]int {
	if s.MCP == nil {
		return nil
	}
	return s.MCP.Primitives
}

// counts lists names with their counts, most frequent first, ties by name:
// "tools/call×12 tools/list×1".
func counts(m map[string]int) string {
	names := slices.Collect(maps.Keys(m))
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = table.Sanitize(n) + "×" + human.Count(m[n])
	}
	return strings.Join(parts, " ")
}
