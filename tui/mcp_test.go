package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/detail"
)

func newMCP(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: mcpSource(), Title: testTitle, Now: fixtureNow})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	m.write = func(path, _ string, _ []byte) (string, error) { return path, nil }
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// TestMCPScreens pins the MCP tab, an MCP session's sequence with its
// calls in place of paths, and the MCP tab of a tool call's detail.
func TestMCPScreens(t *testing.T) {
	for _, sz := range sizes {
		t.Run("tab/"+sz.name, func(t *testing.T) {
			hs := newMCP(t, sz.w, sz.h)
			hs.keys(press('M'))
			hs.golden()
		})
		t.Run("session/"+sz.name, func(t *testing.T) {
			hs := newMCP(t, sz.w, sz.h)
			hs.keys(press('M'), keyEnter)
			hs.golden()
		})
		t.Run("detail/"+sz.name, func(t *testing.T) {
			hs := newMCP(t, sz.w, sz.h)
			hs.keys(press('M'), keyEnter, keyDown, keyDown, keyDown, keyDown, keyEnter, tea.KeyPressMsg{Code: tea.KeyTab})
			if hs.m.focus != focusDetail || hs.m.detail.Tab() != detail.TabMCP {
				t.Fatalf("focus %d tab %v, want the detail's MCP tab", hs.m.focus, hs.m.detail.Tab())
			}
			hs.golden()
		})
		t.Run("graphql/"+sz.name, func(t *testing.T) {
			hs := newMCP(t, sz.w, sz.h)
			for hs.m.sessions.Len() > 0 {
				if s, _ := hs.m.sessions.Selected(); s.ID == mobile.id {
					break
				}
				hs.keys(keyDown)
			}
			hs.keys(keyEnter)
			hs.golden()
		})
	}
}

// TestMCPTabSwitchAndOpen switches to the MCP tab, which lists only the
// sessions that spoke MCP, opens one with Enter and comes back to the tab.
func TestMCPTabSwitchAndOpen(t *testing.T) {
	hs := newMCP(t, 120, 30)
	if hs.m.sessions.Len() != 9 {
		t.Fatalf("the list shows %d sessions, want 9", hs.m.sessions.Len())
	}
	hs.keys(press('M'))
	if !hs.m.sessions.MCP() || hs.m.sessions.Len() != 2 {
		t.Fatalf("MCP tab on %v shows %d sessions, want the 2 MCP ones", hs.m.sessions.MCP(), hs.m.sessions.Len())
	}
	scr := hs.view()
	for _, want := range []string{"METHODS", "PRIMITIVES", "claude-code/1.0", "tools/call×3", "1/2 of 9 sessions (MCP tab)"} {
		if !strings.Contains(scr, want) {
			t.Errorf("MCP tab lacks %q:\n%s", want, scr)
		}
	}
	hs.keys(keyEnter)
	if hs.m.focus != focusSequence || hs.m.sequence.Session().ID != agent.id {
		t.Fatalf("enter opened %q in focus %d, want the agent's sequence", hs.m.sequence.Session().ID, hs.m.focus)
	}
	if scr := hs.view(); !strings.Contains(scr, "tools/call search_orders") {
		t.Errorf("the sequence does not name the tool call:\n%s", scr)
	}
	// M is a list key: in the sequence it does nothing.
	hs.keys(press('M'), keyEsc)
	if hs.m.focus != focusSessions || !hs.m.sessions.MCP() {
		t.Fatalf("esc went to focus %d with the MCP tab %v, want the MCP tab", hs.m.focus, hs.m.sessions.MCP())
	}
	hs.refresh()
	if hs.m.sessions.Len() != 2 {
		t.Errorf("a reload shows %d sessions on the MCP tab, want 2", hs.m.sessions.Len())
	}
	hs.keys(press('M'))
	if hs.m.sessions.MCP() || hs.m.sessions.Len() != 9 {
		t.Errorf("M again shows %d sessions with MCP %v, want all 9", hs.m.sessions.Len(), hs.m.sessions.MCP())
	}
}

// TestMCPTabEmpty says so when no session spoke MCP.
func TestMCPTabEmpty(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(press('M'))
	if scr := hs.view(); !strings.Contains(scr, "no MCP sessions yet") {
		t.Errorf("an empty MCP tab does not say why:\n%s", scr)
	}
}
