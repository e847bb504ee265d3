package filterbar

import (
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// historySize bounds the remembered filters.
const historySize = 50

// KeyMap is the filter input's bindings; every other key edits the text.
type KeyMap struct {
	Apply  key.Binding
	Cancel key.Binding
	Prev   key.Binding
	Next   key.Binding
}

// DefaultKeyMap returns the filter input's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Prev:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "older filter")),
		Next:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "newer filter")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Apply, k.Cancel, k.Prev, k.Next} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// AppliedMsg says the user applied a filter that parses.
type AppliedMsg struct{ Expr string }

// CancelledMsg says the user left the input without applying.
type CancelledMsg struct{}

// Model is the filter input.
type Model struct {
	keys    KeyMap
	theme   theme.Theme
	input   textinput.Model
	history []string
	// pos is the history entry on display; len(history) is the draft.
	pos   int
	draft string
	err   *filter.Error
	now   func() time.Time
	// vocab is what exists for the fields whose values are names; a value
	// outside it is an error, shown like any other.
	vocab *filter.Vocabulary
	width int
}

// New returns a filter input whose relative bounds are read against now.
func New(th theme.Theme, now func() time.Time) Model {
	in := textinput.New()
	// A steady cursor needs no blink timer: no wakeups while idle.
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = "filter: "
	in.Placeholder = "status:4xx attack:any since:1h …"
	m := Model{keys: DefaultKeyMap(), theme: th, input: in, now: now, vocab: filter.DefaultVocabulary()}
	m.keys.Prev.SetEnabled(false)
	m.keys.Next.SetEnabled(false)
	return m
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the input's width.
func (m *Model) SetSize(w int) {
	m.width = w
	m.input.SetWidth(max(w-lipgloss.Width(m.input.Prompt)-1, 1))
}

// Open starts editing expr.
func (m *Model) Open(expr string) tea.Cmd {
	m.input.SetValue(expr)
	m.input.CursorEnd()
	m.pos = len(m.history)
	m.check()
	m.syncKeys()
	return m.input.Focus()
}

// SetVocabulary sets what the values of attack, abuse, flow and method are
// checked against, and checks the text being edited again.
func (m *Model) SetVocabulary(v *filter.Vocabulary) {
	m.vocab = v
	m.check()
}

// Blur stops editing.
func (m *Model) Blur() { m.input.Blur() }

// Err is the parse error of the text being edited, or nil.
func (m Model) Err() *filter.Error { return m.err }

// Height is how many lines View takes: one more while there is an error.
func (m Model) Height() int {
	if m.err != nil {
		return 3
	}
	return 1
}

// Update edits the filter, walks history and applies.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Apply):
		if m.check(); m.err != nil {
			return m, nil
		}
		expr := strings.TrimSpace(m.input.Value())
		m.remember(expr)
		return m, func() tea.Msg { return AppliedMsg{Expr: expr} }
	case key.Matches(k, m.keys.Cancel):
		return m, func() tea.Msg { return CancelledMsg{} }
	case key.Matches(k, m.keys.Prev):
		m.walk(-1)
		return m, nil
	case key.Matches(k, m.keys.Next):
		m.walk(+1)
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	m.check()
	return m, cmd
}

// walk moves through history, keeping what was typed as the newest entry.
func (m *Model) walk(d int) {
	if m.pos == len(m.history) {
		m.draft = m.input.Value()
	}
	m.pos = min(max(m.pos+d, 0), len(m.history))
	if m.pos == len(m.history) {
		m.input.SetValue(m.draft)
	} else {
		m.input.SetValue(m.history[m.pos])
	}
	m.input.CursorEnd()
	m.check()
	m.syncKeys()
}

func (m *Model) remember(expr string) {
	if expr == "" {
		return
	}
	m.history = slices.DeleteFunc(m.history, func(h string) bool { return h == expr })
	m.history = append(m.history, expr)
	if len(m.history) > historySize {
		m.history = m.history[len(m.history)-historySize:]
	}
	m.pos = len(m.history)
	m.syncKeys()
}

func (m *Model) syncKeys() {
	m.keys.Prev.SetEnabled(m.pos > 0)
	m.keys.Next.SetEnabled(m.pos < len(m.history))
}

// check parses the text so that a mistake shows while it is typed.
func (m *Model) check() {
	m.err = nil
	_, err := filter.ParseOptions(m.input.Value(), filter.Options{Now: m.now(), Vocabulary: m.vocab})
	var fe *filter.Error
	if errors.As(err, &fe) {
		m.err = fe
	}
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// View is the input line and, when the text does not parse, a caret under
// the column of the mistake and the message.
func (m Model) View() string {
	line := table.Line(m.input.View(), m.width)
	if m.err == nil {
		return line
	}
	col := lipgloss.Width(m.input.Prompt) + m.err.Column() - 1
	caret := strings.Repeat(" ", max(col, 0)) + m.theme.Danger.Render("^")
	msg := m.theme.Danger.Render(table.Sanitize(m.err.Error()))
	return line + "\n" + table.Line(caret, m.width) + "\n" + table.Line(msg, m.width)
}

// Value is the text being edited.
func (m Model) Value() string { return m.input.Value() }
