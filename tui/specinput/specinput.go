package specinput

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// Keys are the bindings the input answers while active; every other key
// edits the text.
type Keys struct {
	Accept, Cancel key.Binding
}

// Model is the input. The zero value is not ready: use New.
type Model struct {
	input  textinput.Model
	active bool
	err    string
}

// New returns an inactive input with the given prompt and placeholder.
func New(prompt, placeholder string) Model {
	in := textinput.New()
	// A steady cursor needs no blink timer: no wakeups while idle.
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.ShowSuggestions = true
	return Model{input: in}
}

// SetWidth sets the width of the text field.
func (m *Model) SetWidth(w int) { m.input.SetWidth(max(w, 1)) }

// SetSuggestions sets what tab completes.
func (m *Model) SetSuggestions(s []string) { m.input.SetSuggestions(s) }

// Active reports whether the input has the keyboard.
func (m Model) Active() bool { return m.active }

// Start empties the input and gives it the keyboard.
func (m *Model) Start() tea.Cmd {
	m.active, m.err = true, ""
	m.input.SetValue("")
	return m.input.Focus()
}

// Stop takes the keyboard away, keeping nothing typed.
func (m *Model) Stop() {
	m.active = false
	m.input.Blur()
}

// Update handles a key while the input is active. Cancel stops it; Accept
// checks the trimmed text with check and, when it passes, stops the input
// and returns the text with ok set; a failed check's error shows under the
// input. Any other key edits the text and clears the error.
func (m Model) Update(k tea.KeyPressMsg, keys Keys, check func(spec string) error) (_ Model, _ tea.Cmd, spec string, ok bool) {
	switch {
	case key.Matches(k, keys.Cancel):
		m.Stop()
		return m, nil, "", false
	case key.Matches(k, keys.Accept):
		spec = strings.TrimSpace(m.input.Value())
		if err := check(spec); err != nil {
			m.err = err.Error()
			return m, nil, "", false
		}
		m.Stop()
		return m, nil, spec, true
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	m.err = ""
	return m, cmd, "", false
}

// Lines draws the input, then its error or the first completions of what
// is typed.
func (m Model) Lines(th theme.Theme) []string {
	out := []string{m.input.View()}
	if m.err != "" {
		return append(out, th.Danger.Render(table.Sanitize(m.err)))
	}
	if s := m.input.MatchedSuggestions(); len(s) > 0 {
		out = append(out, th.Muted.Render("tab completes: "+table.Sanitize(strings.Join(s[:min(len(s), 5)], "  "))))
	}
	return out
}
