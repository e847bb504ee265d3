package rules

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// step is where the screen is: the saved rules, a choice among proposed
// rules, or a change waiting for its confirmation.
type step int

const (
	stepList step = iota
	stepChoose
	stepConfirm
	// stepEdit is the edit form of a saved rule.
	stepEdit
)

// change is what a confirmation applies.
type change struct {
	rule   rules.Rule
	remove bool
	what   string // "block user mallory", "disable block-mallory"
	// why is what the rules' history records, when the user said it;
	// edit is whether esc at the confirmation returns to the form.
	why  string
	edit bool
}

// Messages the screen's commands return.
type (
	loadedMsg struct {
		rules []rules.Rule
		err   error
	}
	previewMsg struct {
		change change
		impact query.Impact
		err    error
	}
	doneMsg struct {
		what string
		err  error
	}
	// CloseMsg asks the root to leave the screen; Notice, when set, is
	// what was done, for the status bar.
	CloseMsg struct{ Notice string }
)

// Model is the rules screen.
type Model struct {
	keys    KeyMap
	theme   theme.Theme
	backend Backend
	width   int
	height  int

	step    step
	rules   []rules.Rule
	choices []Choice
	title   string
	cursor  int
	// fromList is whether esc at a confirmation returns to the list.
	fromList bool

	pending   change
	impact    query.Impact
	previewed bool
	err       error

	// form is the edit form while step is stepEdit, and kept through the
	// edited rule's confirmation so that esc returns to it.
	form form
	// now is the clock an expiry given as a duration starts from.
	now func() time.Time
}

// New returns a closed screen over b (nil: rules cannot be changed here).
func New(th theme.Theme, b Backend) Model {
	return Model{keys: DefaultKeyMap(), theme: th, backend: b, now: time.Now}
}

// SetClock sets the clock an expiry given as a duration starts from.
func (m *Model) SetClock(now func() time.Time) { m.now = now }

// Typing reports whether the edit form is open: it takes every key.
func (m Model) Typing() bool { return m.step == stepEdit }

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Open shows the saved rules.
func (m *Model) Open() tea.Cmd {
	m.step, m.cursor, m.err, m.fromList = stepList, 0, nil, true
	m.title = "rules"
	return m.load()
}

// Propose offers choices under title: one is previewed at once, several
// are chosen from first.
func (m *Model) Propose(title string, choices []Choice) tea.Cmd {
	m.title, m.choices, m.cursor, m.err, m.fromList = title, choices, 0, nil, false
	if len(choices) == 1 {
		return m.preview(change{rule: choices[0].Rule, what: choices[0].Label})
	}
	m.step = stepChoose
	return nil
}

func (m *Model) load() tea.Cmd {
	b := m.backend
	return func() tea.Msg {
		rs, err := b.Rules()
		return loadedMsg{rs, err}
	}
}

// preview asks for c's impact; the confirmation waits for it.
func (m *Model) preview(c change) tea.Cmd {
	m.step, m.pending, m.previewed, m.err = stepConfirm, c, false, nil
	b := m.backend
	return func() tea.Msg {
		im, err := b.Preview(c.rule)
		return previewMsg{c, im, err}
	}
}

func (m *Model) apply() tea.Cmd {
	b, c := m.backend, m.pending
	return func() tea.Msg {
		if c.remove {
			return doneMsg{c.what, b.Remove(c.rule.ID, "deleted in the TUI")}
		}
		why := c.why
		if why == "" {
			why = c.what + " (TUI)"
		}
		return doneMsg{c.what, b.Save(c.rule, why)}
	}
}

// Update handles keys and the commands' answers.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.rules, m.err = msg.rules, msg.err
		m.cursor = min(m.cursor, max(len(m.rules)-1, 0))
	case previewMsg:
		if msg.change.rule.ID == m.pending.rule.ID && m.step == stepConfirm {
			m.impact, m.err, m.previewed = msg.impact, msg.err, msg.err == nil
		}
	case doneMsg:
		if msg.err != nil {
			m.err = msg.err
			return m, nil
		}
		if m.fromList {
			m.step = stepList
			return m, m.load()
		}
		return m, func() tea.Msg { return CloseMsg{Notice: msg.what + ": saved and applied"} }
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.step == stepEdit {
		return m.editKey(k)
	}
	rows := m.rows()
	switch {
	case key.Matches(k, m.keys.Back):
		if m.step == stepConfirm && m.pending.edit {
			m.step, m.err = stepEdit, nil
			return m, nil
		}
		if m.step == stepConfirm && m.fromList {
			m.step = stepList
			return m, nil
		}
		if m.step == stepConfirm && len(m.choices) > 1 {
			m.step = stepChoose
			return m, nil
		}
		return m, func() tea.Msg { return CloseMsg{} }
	case m.step == stepConfirm:
		if key.Matches(k, m.keys.Confirm) && m.previewed {
			return m, m.apply()
		}
	case key.Matches(k, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.keys.Down):
		m.cursor = min(m.cursor+1, max(rows-1, 0))
	case m.step == stepChoose && key.Matches(k, m.keys.Choose):
		c := m.choices[m.cursor]
		return m, m.preview(change{rule: c.Rule, what: c.Label})
	case m.step == stepList && rows > 0 && key.Matches(k, m.keys.Toggle):
		r := m.rules[m.cursor]
		r.Disabled = !r.Disabled
		verb := "enable"
		if r.Disabled {
			verb = "disable"
		}
		return m, m.preview(change{rule: r, what: verb + " " + r.ID})
	case m.step == stepList && rows > 0 && key.Matches(k, m.keys.Edit):
		return m, m.edit()
	case m.step == stepList && rows > 0 && key.Matches(k, m.keys.Delete):
		r := m.rules[m.cursor]
		return m, m.preview(change{rule: r, remove: true, what: "delete " + r.ID})
	}
	return m, nil
}

func (m Model) rows() int {
	if m.step == stepChoose {
		return len(m.choices)
	}
	return len(m.rules)
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	k.setEnabled(m.step, m.rows())
	return k.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the screen in its area.
func (m Model) View() string {
	var lines []string
	lines = append(lines, m.theme.Accent.Render(table.Sanitize(m.title)), "")
	switch m.step {
	case stepList:
		lines = append(lines, m.listLines()...)
	case stepChoose:
		for i, c := range m.choices {
			lines = append(lines, m.cursorLine(i, c.Label+"   "+describe(c.Rule)))
		}
	case stepConfirm:
		lines = append(lines, m.confirmLines()...)
	case stepEdit:
		lines = append(lines, m.formLines()...)
	}
	if m.err != nil {
		lines = append(lines, "", m.theme.Danger.Render("error: "+table.Sanitize(m.err.Error())))
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	lines = lines[:max(m.height, 0)]
	for i, l := range lines {
		lines[i] = table.Line(l, m.width)
	}
	return strings.Join(lines, "\n")
}

func (m Model) listLines() []string {
	if len(m.rules) == 0 {
		return []string{m.theme.Muted.Render("no rules: b on a session blocks it, m and v on a tag mute or patch it")}
	}
	out := []string{m.theme.Header.Render(fmt.Sprintf("  %-22s %-14s %-6s %s", "ID", "ACTION", "STATE", "RULE"))}
	for i, r := range m.rules {
		state := "on"
		if r.Disabled {
			state = "off"
		}
		out = append(out, m.cursorLine(i, fmt.Sprintf("%-22s %-14s %-6s %s", r.ID, r.Action, state, describe(r))))
	}
	return out
}

func (m Model) cursorLine(i int, text string) string {
	if i == m.cursor {
		return m.theme.Cursor.Render("> " + table.Sanitize(text))
	}
	return "  " + table.Sanitize(text)
}

func (m Model) confirmLines() []string {
	r := m.pending.rule
	out := []string{
		m.pending.what,
		m.theme.Muted.Render(describe(r)),
	}
	if m.pending.edit {
		out = append(out, m.theme.Muted.Render("was "+describe(m.form.rule)))
	}
	out = append(out, "")
	if !m.previewed {
		if m.err == nil {
			out = append(out, m.theme.Muted.Render("measuring the impact over the stored history…"))
		}
		return out
	}
	im := m.impact
	verb := "would have hit"
	if m.pending.remove || r.Disabled {
		verb = "no longer applies to what hit"
	}
	out = append(out, fmt.Sprintf("%s %s requests in %s sessions, %s users, %s flows",
		verb, human.Count(im.Requests), human.Count(im.Sessions), human.Count(im.Users), human.Count(im.Flows)))
	if im.CleanSessions > 0 && !m.pending.remove && !r.Disabled {
		out = append(out, m.theme.Danger.Render(fmt.Sprintf("would hit %s clean sessions (no attack, no verdict)", human.Count(im.CleanSessions))))
	} else {
		out = append(out, m.theme.Muted.Render(fmt.Sprintf("%s clean sessions", human.Count(im.CleanSessions))))
	}
	for _, c := range im.TopUsers {
		out = append(out, fmt.Sprintf("  user %s: %s sessions", c.Name, human.Count(c.N)))
	}
	for _, c := range im.TopFlows {
		out = append(out, fmt.Sprintf("  flow %s: %s requests", c.Name, human.Count(c.N)))
	}
	return append(out, "", "y confirms, esc goes back")
}

// describe is a rule in one line: its condition and what it answers.
func describe(r rules.Rule) string {
	s := r.Filter
	for _, part := range []struct{ name, v string }{{"attack", r.Attack}, {"rule", r.RuleID}, {"point", r.Point}} {
		if part.v != "" {
			s += "  " + part.name + " " + part.v
		}
	}
	if r.Action != rules.Mute {
		s += fmt.Sprintf("  → %d", r.StatusOrDefault())
	}
	return s
}
