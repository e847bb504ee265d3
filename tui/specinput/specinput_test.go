package specinput

import (
	"errors"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/theme"
)

var keys = Keys{
	Accept: key.NewBinding(key.WithKeys("enter")),
	Cancel: key.NewBinding(key.WithKeys("esc")),
}

func press(code rune, text string) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Text: text}
}

// onlyAB accepts the spec "ab".
func onlyAB(spec string) error {
	if spec != "ab" {
		return errors.New(spec + " is not ab")
	}
	return nil
}

func TestCheckAcceptCancel(t *testing.T) {
	th := theme.New(true, true)
	m := New("new: ", "")
	m.Start()
	var spec string
	var ok bool
	m, _, _, _ = m.Update(press('a', "a"), keys, onlyAB)
	m, _, spec, ok = m.Update(press(tea.KeyEnter, ""), keys, onlyAB)
	if ok || !m.Active() {
		t.Fatalf("a failed check accepted %q or stopped the input", spec)
	}
	if lines := m.Lines(th); len(lines) != 2 || !strings.Contains(lines[1], "a is not ab") {
		t.Fatalf("lines %q lack the check's error", lines)
	}
	m, _, _, _ = m.Update(press('b', "b"), keys, onlyAB)
	if lines := m.Lines(th); len(lines) != 1 {
		t.Errorf("the error outlived a keystroke: %q", lines)
	}
	m, _, spec, ok = m.Update(press(tea.KeyEnter, ""), keys, onlyAB)
	if !ok || spec != "ab" || m.Active() {
		t.Fatalf("accept: spec %q, ok %v, active %v; want ab, true, false", spec, ok, m.Active())
	}
	m.Start()
	m, _, _, _ = m.Update(press('x', "x"), keys, onlyAB)
	m, _, _, ok = m.Update(press(tea.KeyEscape, ""), keys, onlyAB)
	if ok || m.Active() {
		t.Errorf("cancel: ok %v, active %v", ok, m.Active())
	}
	m.Start()
	if lines := m.Lines(th); !strings.Contains(lines[0], "new: ") || len(lines) != 1 {
		t.Errorf("a restarted input is not empty: %q", lines)
	}
}
