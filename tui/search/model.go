package search

import (
	"maps"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the search input's bindings; every other key edits the query.
type KeyMap struct {
	Accept key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the search input's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep results")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Accept, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Accept, k.Cancel}} }

// Event is what a key did to the search. The root acts on it at once,
// not through a message, so that a key typed right after enter already
// goes to the list.
type Event int

// Events of Update.
const (
	None Event = iota
	Changed
	Accepted
	Cancelled
)

// Model is the search input, the generation of the newest query and the
// index of the list it searches.
type Model struct {
	keys  KeyMap
	theme theme.Theme
	input textinput.Model
	gen   uint64
	width int
	// index is kept from query to query and replaced when the list is.
	index *Index
}

// New returns an empty search.
func New(th theme.Theme) Model {
	in := textinput.New()
	// A steady cursor needs no blink timer: no wakeups while idle.
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = "/"
	in.Placeholder = "key, user, IP, user agent, endpoint"
	return Model{keys: DefaultKeyMap(), theme: th, input: in}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the input's width.
func (m *Model) SetSize(w int) {
	m.width = w
	m.input.SetWidth(max(w-2, 1))
}

// Focus starts editing, keeping the current query.
func (m *Model) Focus() tea.Cmd { return m.input.Focus() }

// Blur stops editing.
func (m *Model) Blur() { m.input.Blur() }

// Reset clears the query and invalidates results in flight.
func (m *Model) Reset() {
	m.input.SetValue("")
	m.gen++
}

// Query is the query as typed.
func (m Model) Query() string { return m.input.Value() }

// Current reports whether a result belongs to the newest query.
func (m Model) Current(r ResultMsg) bool { return r.Gen == m.gen }

// Run starts matching the current query over list. It is also how the
// root re-runs a query after the list reloads. The index of list is built
// by the first query that needs it, inside the command.
func (m *Model) Run(list []engine.Session, endpoints map[string][]string) tea.Cmd {
	m.gen++
	gen, q := m.gen, m.input.Value()
	if q == "" {
		return func() tea.Msg { return ResultMsg{Gen: gen} }
	}
	if !m.index.For(list) {
		m.index = NewIndex(list)
	}
	// The root keeps learning endpoints while the command runs: it gets
	// a copy. The lists in it are replaced, never appended to.
	x, eps := m.index, maps.Clone(endpoints)
	return func() tea.Msg { return ResultMsg{Gen: gen, Query: q, Matches: x.Find(q, eps)} }
}

// Update edits the query. On Changed the root calls Run with the sessions
// it has.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, Event) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil, None
	}
	switch {
	case key.Matches(k, m.keys.Accept):
		return m, nil, Accepted
	case key.Matches(k, m.keys.Cancel):
		return m, nil, Cancelled
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	if m.input.Value() != before {
		return m, cmd, Changed
	}
	return m, cmd, None
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// View is the input line.
func (m Model) View() string { return table.Line(m.input.View(), m.width) }
