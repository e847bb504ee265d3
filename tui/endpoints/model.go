package endpoints

import (
	"cmp"
	"slices"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// DrillMsg asks the root to list the sessions that called an endpoint.
type DrillMsg struct{ Endpoint inventory.Endpoint }

// BackMsg asks the root to leave the endpoints view.
type BackMsg struct{}

// loadingText is what the view says before its first rows arrive.
const loadingText = "loading the inventory…"

// Model is the endpoints view.
type Model struct {
	keys  KeyMap
	theme theme.Theme
	clock func() time.Time
	today time.Time
	list  []inventory.Endpoint
	// order are indexes into list in display order, after the search.
	order    []int
	cursor   table.Cursor
	sort     SortKey
	reversed bool
	// input is the search being typed (typing) or applied (its value).
	input  textinput.Model
	typing bool
	// hosts is how many hosts the rows span: with more than one, the
	// host has a column.
	hosts         int
	loaded        bool
	empty         string
	width, height int
	want          widths
}

// New returns an empty view.
func New(th theme.Theme) Model {
	in := textinput.New()
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = "/"
	in.Placeholder = "method and endpoint"
	m := Model{keys: DefaultKeyMap(), theme: th, clock: time.Now, input: in}
	m.keys.setEnabled(false, false)
	return m
}

// SetClock sets the clock LAST SEEN is shown against; tests pin it.
func (m *Model) SetClock(now func() time.Time) {
	m.clock = now
	m.today = now()
}

// SetTheme switches styles, as when the terminal background is known.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area the view renders into: the header row, the rows
// and, while a search is typed, its input line.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(w-2, 1))
	m.resize()
}

func (m *Model) resize() {
	rows := m.height - 1
	if m.typing || m.input.Value() != "" {
		rows--
	}
	m.cursor.SetRows(rows)
}

// SetEmptyText sets what the view says with no rows, such as why there
// is no inventory.
func (m *Model) SetEmptyText(s string) { m.empty = s }

// SetEndpoints replaces the rows, as a live refresh does. The cursor stays
// on the endpoint it was on when it is still there.
func (m *Model) SetEndpoints(list []inventory.Endpoint) {
	cur, had := m.Selected()
	m.list, m.loaded = list, true
	hosts := map[string]bool{}
	for i := range list {
		hosts[list[i].Host] = true
	}
	m.hosts = len(hosts)
	m.today = m.clock()
	m.apply()
	if had {
		if i := slices.IndexFunc(m.order, func(j int) bool { return same(&list[j], &cur) }); i >= 0 {
			m.cursor.SetLen(len(m.order), i)
		}
	}
}

// Reset forgets the rows, so that the view says it is loading until the
// next SetEndpoints; the sort and the search stay.
func (m *Model) Reset() {
	m.list, m.order, m.loaded = nil, nil, false
	m.cursor.SetLen(0, 0)
	m.keys.setEnabled(false, m.input.Value() != "")
}

func same(a, b *inventory.Endpoint) bool {
	return a.Method == b.Method && a.Host == b.Host && a.Template == b.Template
}

// apply recomputes the shown rows from the search and the sort.
func (m *Model) apply() {
	idx := make([]int, 0, len(m.list))
	if q := m.input.Value(); q != "" {
		texts := make([]string, len(m.list))
		for i := range m.list {
			texts[i] = searchText(&m.list[i])
		}
		for _, mt := range fuzzy.Find(q, texts) {
			idx = append(idx, mt.Index)
		}
	} else {
		for i := range m.list {
			idx = append(idx, i)
		}
	}
	m.order = sorted(m.list, idx, m.sort, m.reversed)
	m.keys.setEnabled(len(m.order) > 0, m.input.Value() != "" && !m.typing)
	m.want = m.measure()
	m.resize()
	m.cursor.SetLen(len(m.order), min(m.cursor.Index(), max(len(m.order)-1, 0)))
}

// searchText is what the search matches: the method and the endpoint,
// with its host.
func searchText(e *inventory.Endpoint) string {
	return e.Method + " " + e.Host + e.Template
}

// Typing reports whether the search input has the keyboard.
func (m Model) Typing() bool { return m.typing }

// Len is the number of rows shown, and Total the number of endpoints.
func (m Model) Len() int   { return len(m.order) }
func (m Model) Total() int { return len(m.list) }

// Position is the cursor's row, counted from 1 (0 without rows).
func (m Model) Position() int {
	if len(m.order) == 0 {
		return 0
	}
	return m.cursor.Index() + 1
}

// Query is the search applied or being typed.
func (m Model) Query() string { return m.input.Value() }

// Sort returns the column rows are sorted by and whether reversed.
func (m Model) Sort() (SortKey, bool) { return m.sort, m.reversed }

// Selected returns the endpoint under the cursor.
func (m Model) Selected() (inventory.Endpoint, bool) {
	if len(m.order) == 0 {
		return inventory.Endpoint{}, false
	}
	return m.list[m.order[m.cursor.Index()]], true
}

// Update moves the cursor, sorts, searches, drills down and goes back.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.typing {
			return m.updateInput(msg)
		}
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		m.cursor.SetLen(len(m.order), min(max(m.cursor.Index()+d, 0), max(len(m.order)-1, 0)))
	case tea.MouseClickMsg:
		// Row 0 is the header.
		from, to := m.cursor.Window()
		if i := from + msg.Y - 1; msg.Y >= 1 && i < to {
			if i == m.cursor.Index() {
				return m, m.drill()
			}
			m.cursor.SetLen(len(m.order), i)
		}
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.cursor.Update(k, m.keys.Nav) {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Open):
		return m, m.drill()
	case key.Matches(k, m.keys.Sort):
		m.sort, m.reversed = (m.sort+1)%sortKeys, false
		m.apply()
	case key.Matches(k, m.keys.Reverse):
		m.reversed = !m.reversed
		m.apply()
	case key.Matches(k, m.keys.Search):
		m.typing = true
		m.apply()
		return m, m.input.Focus()
	case key.Matches(k, m.keys.Clear):
		m.input.SetValue("")
		m.apply()
	case key.Matches(k, m.keys.Back):
		return m, func() tea.Msg { return BackMsg{} }
	}
	return m, nil
}

// updateInput edits the search; every change narrows the rows at once,
// which a list of endpoints (hundreds, not millions) affords.
func (m Model) updateInput(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Accept):
		m.typing = false
		m.input.Blur()
		m.apply()
		return m, nil
	case key.Matches(k, m.keys.Cancel):
		m.typing = false
		m.input.Blur()
		m.input.SetValue("")
		m.apply()
		return m, nil
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	if m.input.Value() != before {
		m.cursor.SetLen(len(m.order), 0)
		m.apply()
	}
	return m, cmd
}

func (m Model) drill() tea.Cmd {
	e, ok := m.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return DrillMsg{Endpoint: e} }
}

// keyMap is the key map of what has the keyboard.
func (m Model) keyMap() help.KeyMap {
	if m.typing {
		return typingKeys{m.keys}
	}
	return m.keys
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keyMap().ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keyMap().FullHelp() }

// HelpNote explains the statuses, which the keys cannot; the full help
// shows it under its title.
func (m Model) HelpNote() string {
	return "SPEC compares each endpoint with the API's specification: shadow is called but not in it, zombie is deprecated there (or gone from its newer version) yet called, undoc method is a listed path called with a method it lacks. Enter lists the sessions that called the endpoint; esc there comes back here."
}

// emptyText is what an empty view says.
func (m Model) emptyText() string {
	switch {
	case !m.loaded:
		return loadingText
	case len(m.list) > 0:
		return "no endpoint matches “" + table.Sanitize(m.input.Value()) + "”"
	}
	return cmp.Or(m.empty, "no endpoint called yet")
}
