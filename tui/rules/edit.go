package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/tui/table"
)

// formField is one line of the edit form.
type formField int

const (
	fieldFilter formField = iota
	fieldStatus
	fieldAttack
	fieldRuleID
	fieldPoint
	fieldExpires
	fieldWhy
)

// label is how the form names a field.
func (f formField) label() string {
	return [...]string{"filter", "status", "attack", "rule", "point", "expires", "why"}[f]
}

// fieldsOf are the fields a rule of action a has, in the form's order: a
// block answers a status for a condition; a virtual patch adds the tag it
// patches; a mute names the tag and answers nothing.
func fieldsOf(a rules.Action) []formField {
	switch a {
	case rules.Block:
		return []formField{fieldFilter, fieldStatus, fieldExpires, fieldWhy}
	case rules.VirtualPatch:
		return []formField{fieldFilter, fieldStatus, fieldAttack, fieldRuleID, fieldPoint, fieldExpires, fieldWhy}
	}
	return []formField{fieldFilter, fieldAttack, fieldRuleID, fieldPoint, fieldExpires, fieldWhy}
}

// form edits one saved rule: its id and action stay, the rest is text
// until enter reads it back into a rule.
type form struct {
	rule   rules.Rule
	fields []formField
	inputs []textinput.Model
	focus  int
}

// labelWidth is the width of the form's field names.
const labelWidth = 9

func newForm(r rules.Rule, width int) form {
	f := form{rule: r, fields: fieldsOf(r.Action)}
	for i, fld := range f.fields {
		in := textinput.New()
		st := in.Styles()
		st.Cursor.Blink = false // a steady cursor needs no timer
		in.SetStyles(st)
		in.Prompt = ""
		in.SetWidth(max(width-labelWidth-6, 1))
		in.SetValue(fieldValue(r, fld))
		in.Placeholder = placeholder(fld)
		if i == 0 {
			in.Focus()
		}
		f.inputs = append(f.inputs, in)
	}
	return f
}

// fieldValue is a field of r as the form shows it.
func fieldValue(r rules.Rule, f formField) string {
	switch f {
	case fieldFilter:
		return r.Filter
	case fieldStatus:
		return strconv.Itoa(r.StatusOrDefault())
	case fieldAttack:
		return r.Attack
	case fieldRuleID:
		return r.RuleID
	case fieldPoint:
		return r.Point
	case fieldExpires:
		if r.Expires.IsZero() {
			return ""
		}
		return r.Expires.UTC().Format(time.RFC3339)
	}
	return ""
}

func placeholder(f formField) string {
	switch f {
	case fieldStatus:
		return "403 or 429"
	case fieldAttack:
		return "an attack type, or empty with a rule id"
	case fieldRuleID:
		return "a detector rule id (libinjection-xss, crs-941100)"
	case fieldPoint:
		return "any point, or one (req.query.q)"
	case fieldExpires:
		return "never, or a duration (72h) or a time (2026-12-31T00:00:00Z)"
	case fieldWhy:
		return "why the change, for the rules' history"
	}
	return ""
}

// move focuses the field by steps from the focused one, wrapping.
func (f *form) move(by int) {
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + by + len(f.inputs)) % len(f.inputs)
	f.inputs[f.focus].Focus()
}

func (f *form) value(fld formField) string {
	for i, g := range f.fields {
		if g == fld {
			return strings.TrimSpace(f.inputs[i].Value())
		}
	}
	return ""
}

// read returns the edited rule and the why text, or the one error that
// says what is wrong with it; now is when a duration of expires starts.
func (f *form) read(now time.Time) (rules.Rule, string, error) {
	r := f.rule
	r.Filter = f.value(fieldFilter)
	r.Attack, r.RuleID, r.Point = f.value(fieldAttack), f.value(fieldRuleID), f.value(fieldPoint)
	r.Status = 0
	if s := f.value(fieldStatus); s != "" && r.Action != rules.Mute {
		n, err := strconv.Atoi(s)
		if err != nil {
			return r, "", fmt.Errorf("status %q: want a number, such as 403 or 429", s)
		}
		r.Status = n
	}
	exp, err := rules.ParseExpires(f.value(fieldExpires), now)
	if err != nil {
		return r, "", err
	}
	if r.Expires = exp; !exp.IsZero() && !exp.After(now) {
		return r, "", errors.New("expires: that time has passed; give a later one, or none")
	}
	if _, err := r.Validate(); err != nil {
		return r, "", err
	}
	return r, f.value(fieldWhy), nil
}

// update hands a key to the focused field.
func (f *form) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return cmd
}

// edit opens the form on the rule under the cursor.
func (m *Model) edit() tea.Cmd {
	r := m.rules[m.cursor]
	m.form = newForm(r, m.width)
	m.step, m.err = stepEdit, nil
	return nil
}

// editKey is a key while the form is open: it takes every key but those
// that move between fields, preview or leave.
func (m Model) editKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.step, m.err = stepList, nil
		return m, nil
	case key.Matches(k, m.keys.NextField):
		m.form.move(1)
		return m, nil
	case key.Matches(k, m.keys.PrevField):
		m.form.move(-1)
		return m, nil
	case key.Matches(k, m.keys.Choose):
		r, why, err := m.form.read(m.now())
		if err != nil {
			m.err = err
			return m, nil
		}
		if why == "" {
			why = "edited in the TUI"
		}
		return m, m.preview(change{rule: r, what: "edit " + r.ID, why: why, edit: true})
	}
	m.err = nil
	return m, m.form.update(k)
}

// formLines draws the form: the rule's id and action, then one line a
// field, the focused one marked.
func (m Model) formLines() []string {
	r := m.form.rule
	out := []string{
		table.Sanitize(fmt.Sprintf("edit %s (%s)", r.ID, r.Action)),
		m.theme.Muted.Render(table.Sanitize(describe(r))),
		"",
	}
	for i, fld := range m.form.fields {
		mark := "  "
		label := fmt.Sprintf("%-*s", labelWidth, fld.label())
		if i == m.form.focus {
			mark = "> "
			label = m.theme.Cursor.Render(label)
		} else {
			label = m.theme.Muted.Render(label)
		}
		out = append(out, mark+label+" "+m.form.inputs[i].View())
	}
	return append(out, "", m.theme.Muted.Render("tab moves, enter previews the edited rule, esc goes back"))
}
