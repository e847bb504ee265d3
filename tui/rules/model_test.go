package rules

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/tui/theme"
)

// fakeBackend keeps rules in memory and answers every preview with the
// impact it was given for the rule's filter.
type fakeBackend struct {
	rules   []rules.Rule
	impacts map[string]query.Impact
	saved   []string
}

func (b *fakeBackend) Rules() ([]rules.Rule, error) {
	return append([]rules.Rule(nil), b.rules...), nil
}

func (b *fakeBackend) Preview(r rules.Rule) (query.Impact, error) {
	im, ok := b.impacts[r.Filter]
	if !ok {
		return query.Impact{}, fmt.Errorf("no impact for %q", r.Filter)
	}
	return im, nil
}

func (b *fakeBackend) Save(r rules.Rule, why string) error {
	b.saved = append(b.saved, "save "+r.ID+": "+why)
	for i := range b.rules {
		if b.rules[i].ID == r.ID {
			b.rules[i] = r
			return nil
		}
	}
	b.rules = append(b.rules, r)
	return nil
}

func (b *fakeBackend) Remove(id, why string) error {
	b.saved = append(b.saved, "remove "+id+": "+why)
	for i := range b.rules {
		if b.rules[i].ID == id {
			b.rules = append(b.rules[:i], b.rules[i+1:]...)
			break
		}
	}
	return nil
}

func newBackend() *fakeBackend {
	return &fakeBackend{
		rules: []rules.Rule{
			{ID: "block-mallory", Action: rules.Block, Filter: "user:mallory"},
			{ID: "fp-comments", Action: rules.Mute, Filter: "endpoint:/api/comments", Attack: "xss", Point: "req.json.body"},
		},
		impacts: map[string]query.Impact{
			"user:mallory":             {Requests: 412, Sessions: 3, Users: 1, Flows: 2, CleanSessions: 0, TopUsers: []query.Count{{Name: "mallory", N: 3}}, TopFlows: []query.Count{{Name: "Auth", N: 400}}},
			"endpoint:/api/comments":   {Requests: 17, Sessions: 9, Users: 7, Flows: 0, CleanSessions: 6},
			"key:5c1f0e9a2b7d":         {Requests: 212, Sessions: 1, Users: 1, Flows: 1},
			"ip:198.51.100.66":         {Requests: 1301, Sessions: 14, Users: 9, Flows: 3, CleanSessions: 11, TopUsers: []query.Count{{Name: "alice", N: 4}, {Name: "mallory", N: 3}}},
			"endpoint:/api/search":     {Requests: 25, Sessions: 4, Users: 2, Flows: 0, CleanSessions: 0},
			"endpoint:/api/items/{id}": {Requests: 3, Sessions: 3, Users: 3, Flows: 1, CleanSessions: 3},
		},
	}
}

// run feeds each command's message back until none is left, as the
// program would.
func run(m Model, cmd tea.Cmd) (Model, []tea.Msg) {
	var out []tea.Msg
	for cmd != nil {
		msg := cmd()
		out = append(out, msg)
		m, cmd = m.Update(msg)
	}
	return m, out
}

func press(m Model, keys ...string) (Model, []tea.Msg) {
	var out []tea.Msg
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		var msgs []tea.Msg
		m, msgs = run(m, cmd)
		out = append(out, msgs...)
	}
	return m, out
}

func blockChoices() []Choice {
	return []Choice{
		{Label: "block key 5c1f0e9a2b7d (req.cookie.sid)", Rule: rules.Rule{ID: "block-key-5c1f0e9a2b7d", Action: rules.Block, Filter: "key:5c1f0e9a2b7d"}},
		{Label: "block user mallory", Rule: rules.Rule{ID: "block-user-mallory", Action: rules.Block, Filter: "user:mallory"}},
		{Label: "block address 198.51.100.66", Rule: rules.Rule{ID: "block-ip-198.51.100.66", Action: rules.Block, Filter: "ip:198.51.100.66"}},
	}
}

// editStatus opens the list's first rule (block-mallory) in the edit
// form and types status 429 over its 403.
func editStatus(m Model) Model {
	m, _ = run(m, m.Open())
	m, _ = press(m, "e", "tab", "backspace", "backspace", "backspace", "4", "2", "9")
	return m
}

// TestGoldens pins each action with its preview at 80×24 and 160×48: the
// list (R), enable/disable, edit and delete from it, a block chosen among
// key, user and address (b), a mute (m) and a virtual patch (v) from a
// tag. The edit form is pinned open, with its preview, and refusing a
// bad value.
// The screens are drawn with colour so that the clean sessions' warning
// shows in red.
func TestGoldens(t *testing.T) {
	steps := []struct {
		name string
		do   func(m Model) Model
	}{
		{"list", func(m Model) Model { m, _ = run(m, m.Open()); return m }},
		{"disable", func(m Model) Model {
			m, _ = run(m, m.Open())
			m, _ = press(m, "space")
			return m
		}},
		{"delete", func(m Model) Model {
			m, _ = run(m, m.Open())
			m, _ = press(m, "down", "d")
			return m
		}},
		{"edit", editStatus},
		{"edit_preview", func(m Model) Model {
			m, _ = press(editStatus(m), "enter")
			return m
		}},
		{"edit_mute", func(m Model) Model {
			m, _ = run(m, m.Open())
			m, _ = press(m, "down", "enter")
			return m
		}},
		{"edit_invalid", func(m Model) Model {
			m, _ = press(editStatus(m), "backspace", "x", "enter")
			return m
		}},
		{"block_choose", func(m Model) Model {
			m, _ = run(m, m.Propose("block session 5c1f0e9a2b7d-2", blockChoices()))
			return m
		}},
		{"block_address", func(m Model) Model {
			m, _ = run(m, m.Propose("block session 5c1f0e9a2b7d-2", blockChoices()))
			m, _ = press(m, "down", "down", "enter")
			return m
		}},
		{"mute", func(m Model) Model {
			m, _ = run(m, m.Propose("mute xss at req.json.body on /api/comments", []Choice{{Label: "mute xss at req.json.body on /api/comments",
				Rule: rules.Rule{ID: "mute-xss-api-comments", Action: rules.Mute, Filter: "endpoint:/api/comments", Attack: "xss", Point: "req.json.body"}}}))
			return m
		}},
		{"virtual_patch", func(m Model) Model {
			m, _ = run(m, m.Propose("virtual patch sqli on /api/search", []Choice{{Label: "virtual patch sqli on /api/search",
				Rule: rules.Rule{ID: "patch-sqli-api-search", Action: rules.VirtualPatch, Filter: "endpoint:/api/search", Attack: "sqli"}}}))
			return m
		}},
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, sz.w, sz.h), func(t *testing.T) {
				m := New(theme.New(true, false), newBackend())
				m.SetSize(sz.w, sz.h)
				m = s.do(m)
				v := m.View()
				if n := strings.Count(v, "\n") + 1; n != sz.h {
					t.Fatalf("%d lines, want %d", n, sz.h)
				}
				golden.RequireEqual(t, v+"\n")
			})
		}
	}
}

// TestConfirmSavesAndEscCancels checks that nothing is saved before y, that
// y saves and closes a proposal with a notice, and that a change from the
// list returns to the reloaded list.
func TestConfirmSavesAndEscCancels(t *testing.T) {
	b := newBackend()
	m := New(theme.New(true, true), b)
	m.SetSize(80, 24)
	m, _ = run(m, m.Propose("block", blockChoices()))
	m, _ = press(m, "down", "enter", "esc", "esc")
	if len(b.saved) != 0 {
		t.Fatalf("saved without a confirmation: %v", b.saved)
	}
	m, _ = run(m, m.Propose("block", blockChoices()))
	m, msgs := press(m, "down", "enter", "y")
	if len(b.saved) != 1 || !strings.HasPrefix(b.saved[0], "save block-user-mallory") {
		t.Fatalf("saved %v", b.saved)
	}
	if c, ok := msgs[len(msgs)-1].(CloseMsg); !ok || !strings.Contains(c.Notice, "block user mallory") {
		t.Fatalf("last message %#v, want a CloseMsg with a notice", msgs[len(msgs)-1])
	}

	m, _ = run(m, m.Open())
	m, _ = press(m, "space", "y")
	if !b.rules[0].Disabled || m.step != stepList || !strings.Contains(m.View(), "off") {
		t.Fatalf("disable from the list: rules %+v, step %d", b.rules, m.step)
	}
	m, _ = press(m, "d", "y")
	if len(b.rules) != 2 || b.rules[0].ID != "fp-comments" {
		t.Fatalf("after delete: %+v", b.rules)
	}
}

// TestEditSavesOnlyAfterPreviewAndConfirm edits a rule's status: nothing
// is saved while the form is open, a bad value is refused in the form
// with one line, enter previews the edited rule, esc returns to the form
// with the edits kept, and y saves the edited rule with the why typed.
func TestEditSavesOnlyAfterPreviewAndConfirm(t *testing.T) {
	b := newBackend()
	m := New(theme.New(true, true), b)
	m.SetSize(80, 24)
	m = editStatus(m)
	if !m.Typing() || len(b.saved) != 0 {
		t.Fatalf("form open: typing %v, saved %v", m.Typing(), b.saved)
	}
	m, _ = press(m, "9", "enter")
	if m.step != stepEdit || m.err == nil || !strings.Contains(m.View(), "error: status 4299") || len(b.saved) != 0 {
		t.Fatalf("status 4299: step %d, err %v, saved %v", m.step, m.err, b.saved)
	}
	m, _ = press(m, "backspace", "tab", "tab")
	for _, c := range "too noisy" {
		m, _ = press(m, string(c))
	}
	m, _ = press(m, "enter")
	if m.step != stepConfirm || !m.previewed || m.pending.rule.Status != 429 || !strings.Contains(m.View(), "would have hit 412 requests") {
		t.Fatalf("preview: step %d, pending %+v\n%s", m.step, m.pending, m.View())
	}
	m, _ = press(m, "esc")
	if m.step != stepEdit || m.form.value(fieldStatus) != "429" {
		t.Fatalf("esc at the preview: step %d, status %q", m.step, m.form.value(fieldStatus))
	}
	m, _ = press(m, "enter", "y")
	if len(b.saved) != 1 || b.saved[0] != "save block-mallory: too noisy" || b.rules[0].Status != 429 || b.rules[0].Filter != "user:mallory" {
		t.Fatalf("saved %v, rules %+v", b.saved, b.rules)
	}
	if m.step != stepList || m.Typing() {
		t.Fatalf("after the save: step %d", m.step)
	}
}
