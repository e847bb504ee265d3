package exportprompt

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the prompt's bindings; every other key edits the path.
type KeyMap struct {
	Accept key.Binding
	Cancel key.Binding
	Clear  key.Binding
	// Choose switches between the choices of a prompt opened with
	// OpenChoices (this session, or the sessions of the filter).
	Choose key.Binding
}

// DefaultKeyMap returns the prompt's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		// textinput deletes to the start of the line on ctrl+u; the
		// binding is here so that help says so.
		Clear:  key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		Choose: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch what to write"), key.WithDisabled()),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Accept, k.Choose, k.Cancel, k.Clear}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Event is what a key did to the prompt; the root acts on it at once.
type Event int

// Events of Update.
const (
	None Event = iota
	Accepted
	Cancelled
)

// Choice is one thing a prompt may write: what the prompt says before the
// path, and the path it proposes.
type Choice struct {
	Prompt string
	Path   string
}

// Model is the export prompt: the session and format being exported and
// the path being edited.
type Model struct {
	keys      KeyMap
	theme     theme.Theme
	input     textinput.Model
	width     int
	sessionID string
	format    string
	choices   []Choice
	chosen    int
}

// New returns a closed prompt.
func New(th theme.Theme) Model {
	in := textinput.New()
	st := in.Styles()
	st.Cursor.Blink = false // no wakeups while idle
	in.SetStyles(st)
	return Model{keys: DefaultKeyMap(), theme: th, input: in}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the line's width.
func (m *Model) SetSize(w int) {
	m.width = w
	m.input.SetWidth(max(w-lenPrompt(m.input.Prompt)-1, 1))
}

func lenPrompt(p string) int { return len([]rune(p)) }

// Open starts editing the path of sessionID's export in format, prefilled
// with path, the cursor at its end.
func (m *Model) Open(sessionID, format, path string) tea.Cmd {
	return m.OpenChoices(sessionID, format, Choice{Prompt: "export " + format + " to: ", Path: path})
}

// OpenChoices starts editing the path of the first of choices; tab
// switches to the next, and proposes its path unless the user edited the
// one shown.
func (m *Model) OpenChoices(sessionID, format string, choices ...Choice) tea.Cmd {
	m.sessionID, m.format = sessionID, format
	m.choices, m.chosen = choices, 0
	m.keys.Choose.SetEnabled(len(choices) > 1)
	m.show(m.choices[0].Path)
	return m.input.Focus()
}

// show puts the chosen prompt and path on the line.
func (m *Model) show(path string) {
	m.input.Prompt = m.choices[m.chosen].Prompt
	m.SetSize(m.width)
	m.input.SetValue(path)
	m.input.CursorEnd()
}

// Chosen is the index of the choice on the line.
func (m Model) Chosen() int { return m.chosen }

// Blur stops editing.
func (m *Model) Blur() { m.input.Blur() }

// SessionID is the session being exported.
func (m Model) SessionID() string { return m.sessionID }

// Format is the export's format ("har", "json").
func (m Model) Format() string { return m.format }

// Path is the path as edited.
func (m Model) Path() string { return m.input.Value() }

// Update edits the path.
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
	case key.Matches(k, m.keys.Choose):
		path := m.input.Value()
		if path == m.choices[m.chosen].Path {
			path = ""
		}
		m.chosen = (m.chosen + 1) % len(m.choices)
		if path == "" {
			path = m.choices[m.chosen].Path
		}
		m.show(path)
		return m, nil, None
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd, None
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// View is the prompt line.
func (m Model) View() string { return table.Line(m.input.View(), m.width) }
