package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

const testTitle = "spoor demo · proxy 127.0.0.1:8080 → 127.0.0.1:43121"

// fixtureNow is the clock of every harness: noon on the fixture day, so
// that LAST SEEN shows times of today and goldens never depend on the
// date they run.
func fixtureNow() time.Time { return at(12, 0, 0, 0) }

// harness drives the root model synchronously: every command a message
// returns runs at once and its message is fed back, except timers, which
// wait in timers until the test fires them. That makes coalescing
// observable and keeps tests free of sleeps.
type harness struct {
	t      *testing.T
	m      Model
	timers []tea.Msg
	quit   bool
}

func newHarness(t *testing.T, src SessionSource, stats func() Stats, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: src, Stats: stats, Title: testTitle, Now: fixtureNow})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// send feeds msg to the model and runs the commands that follow from it.
func (hs *harness) send(msgs ...tea.Msg) {
	hs.t.Helper()
	queue := msgs
	for len(queue) > 0 {
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			hs.quit = true
			continue
		}
		next, cmd := hs.m.Update(msg)
		hs.m = next.(Model)
		queue = append(queue, exec(cmd)...)
	}
}

func (hs *harness) run(cmd tea.Cmd) { hs.send(exec(cmd)...) }

// fire delivers the timers pending now; timers they re-arm wait for the
// next fire.
func (hs *harness) fire() {
	hs.t.Helper()
	pending := hs.timers
	hs.timers = nil
	hs.send(pending...)
}

// refresh is what cmd does after a store commit, followed by the end of
// the coalescing window.
func (hs *harness) refresh() {
	hs.t.Helper()
	hs.send(RefreshMsg{})
	hs.fire()
}

func (hs *harness) keys(keys ...tea.KeyPressMsg) {
	hs.t.Helper()
	for _, k := range keys {
		hs.send(k)
	}
}

// view returns the screen as text: ANSI stripped and trailing blanks
// trimmed so goldens are readable, after checking that the frame fills the
// terminal exactly and no line is wider than it.
func (hs *harness) view() string {
	hs.t.Helper()
	v := hs.m.View()
	if !v.AltScreen {
		hs.t.Error("view does not ask for the alternate screen")
	}
	lines := strings.Split(v.Content, "\n")
	if len(lines) != hs.m.height {
		hs.t.Errorf("view has %d lines, terminal has %d", len(lines), hs.m.height)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > hs.m.width {
			hs.t.Errorf("line %d is %d cells wide, terminal is %d: %q", i, w, hs.m.width, ansi.Strip(l))
		}
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func (hs *harness) golden() {
	hs.t.Helper()
	golden.RequireEqual(hs.t, hs.view())
}

func exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, exec(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

func press(code rune) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Text: string(code)}
}

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyPgDn  = tea.KeyPressMsg{Code: tea.KeyPgDown}
	keyCtrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)
