package specinput

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// Keys are the bindings the input answers while active; every other key
// edits the text.
type Keys struct {
	Accept, Cancel key.Binding
}

// Suggestion is a completion: a point and how many sampled exchanges
// carried it (0 when not counted).
type Suggestion struct {
	Text  string
	Count int
}

// Model is the input. The zero value is not ready: use New.
type Model struct {
	input  textinput.Model
	active bool
	err    string
	// all are the completions in order, and counts how often each was
	// seen; the input matches prefixes of all.
	all    []string
	counts map[string]int
	// width is the line's: the prompt, the field and its completion.
	width int
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

// SetWidth sets the width of the input's line, its prompt included.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.input.SetWidth(max(w-lipgloss.Width(m.input.Prompt)-3, 1))
}

// SetSuggestions sets what tab completes.
func (m *Model) SetSuggestions(s []Suggestion) {
	m.all = make([]string, len(s))
	m.counts = make(map[string]int, len(s))
	for i, x := range s {
		m.all[i] = x.Text
		m.counts[x.Text] = x.Count
	}
	m.input.SetSuggestions(m.all)
}

// Suggestions returns what tab completes, in order.
func (m Model) Suggestions() []string { return m.all }

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
	if key.Matches(k, m.input.KeyMap.AcceptSuggestion) && m.extend() {
		m.err = ""
		return m, nil, "", false
	}
	m.input, cmd = m.input.Update(k)
	m.err = ""
	return m, cmd, "", false
}

// extend completes what is typed to the longest prefix every matching
// suggestion shares, as a shell does, and reports whether that added
// anything; when it does not, tab takes the suggestion on display.
func (m *Model) extend() bool {
	matched := m.input.MatchedSuggestions()
	if len(matched) < 2 {
		return false
	}
	prefix := matched[0]
	for _, s := range matched[1:] {
		n := 0
		for n < len(prefix) && n < len(s) && prefix[n] == s[n] {
			n++
		}
		prefix = prefix[:n]
	}
	if len(prefix) <= len(m.input.Value()) {
		return false
	}
	m.input.SetValue(prefix)
	m.input.CursorEnd()
	return true
}

// Lines draws the input, then its error or a line of completions: while
// what is typed matches points of several kinds, the kinds with how many
// names each has ("req.json.* 12"); once it matches one kind, the names
// with how often each was seen.
func (m Model) Lines(th theme.Theme) []string {
	// The field pads to its width without counting the completion it
	// shows after the text: cut the padding, not the text, to the line.
	out := []string{m.input.View()}
	if m.width > 0 {
		out[0] = ansi.Truncate(out[0], m.width, "")
	}
	if m.err != "" {
		return append(out, th.Danger.Render(table.Sanitize(m.err)))
	}
	w := m.width
	if w <= 0 {
		w = 80
	}
	lines := fill(m.hint(), w)
	for _, l := range lines[:min(len(lines), maxHintLines)] {
		out = append(out, th.Muted.Render(table.Sanitize(l)))
	}
	return out
}

// fill lays parts out on lines of at most w cells, breaking between
// parts (the first carries the line's label), never inside one.
func fill(parts []string, w int) []string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line)+len(hintSep)+lipgloss.Width(p) <= w:
			line += hintSep + p
		default:
			lines = append(lines, line)
			line = p
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// hintSep separates completions on their line.
const hintSep = "  "

// maxHintLines is how many lines the completions take at most.
const maxHintLines = 2

// maxHints is how many names the completion line lists; the line is cut
// to the width anyway.
const maxHints = 8

// hint is the completion line's parts: a label, then the kinds or the
// names.
func (m Model) hint() []string {
	matched := m.input.MatchedSuggestions()
	if m.input.Value() == "" {
		matched = m.all
	}
	if len(matched) == 0 {
		return nil
	}
	var kinds []string
	names := map[string]int{}
	for _, s := range matched {
		k := Kind(s)
		if names[k] == 0 {
			kinds = append(kinds, k)
		}
		names[k]++
	}
	if len(kinds) > 1 {
		parts := []string{"seen:"}
		for _, k := range kinds {
			if strings.HasSuffix(k, "*") {
				k += " " + strconv.Itoa(names[k])
			}
			parts = append(parts, k)
		}
		parts[0] += " " + parts[1]
		return slices.Delete(parts, 1, 2)
	}
	parts := []string{"tab completes:"}
	for _, s := range matched[:min(len(matched), maxHints)] {
		if n := m.counts[s]; n > 0 {
			s += " (" + strconv.Itoa(n) + ")"
		}
		parts = append(parts, s)
	}
	parts[0] += " " + parts[1]
	parts = slices.Delete(parts, 1, 2)
	if len(matched) > maxHints {
		parts = append(parts, "+"+strconv.Itoa(len(matched)-maxHints)+" more")
	}
	return parts
}

// Kind is the kind of a point as the completion line groups it:
// "req.json.*" for req.json.user.id, the point itself for one without a
// name (req.bearer).
func Kind(point string) string {
	side, rest, _ := strings.Cut(point, ".")
	word, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" {
		return point
	}
	return side + "." + word + ".*"
}
