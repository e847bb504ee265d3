package main

import (
	"strings"
	"testing"
	"time"
)

// TestMCPTabInTerminal runs `spoor demo` in a real terminal, switches the
// sessions list to the MCP tab with M and waits for the demo's MCP agent
// (the assistant, claude-code/1.0) to show its tool calls; Enter then opens
// its session, whose sequence names the calls.
func TestMCPTabInTerminal(t *testing.T) {
	db := t.TempDir() + "/spoor.db"
	// A tmux server of our own: another test's server may still be exiting
	// on the default socket.
	t.Setenv("TMUX_TMPDIR", t.TempDir())
	s := startTmux(t, 200, 40, spoorBin+" demo --db "+db)
	s.waitScreen(15*time.Second, "live sessions", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN") && sessionCount.MatchString(scr)
	})
	s.keys("M")
	s.waitScreen(5*time.Second, "the MCP tab", func(scr string) bool {
		return strings.Contains(scr, "METHODS") && strings.Contains(scr, "(MCP tab)")
	})
	agentRow := func(scr string) string {
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "claude-code/1.0") && strings.Contains(l, "tools/call") {
				return l
			}
		}
		return ""
	}
	scr := s.waitScreen(30*time.Second, "the assistant's row with tools/call", func(scr string) bool {
		return agentRow(scr) != ""
	})
	t.Logf("agent row: %s", strings.TrimSpace(agentRow(scr)))
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "sqlmap") {
			t.Errorf("the MCP tab lists a session that never spoke MCP: %s", l)
		}
	}
	s.keys("Enter")
	s.waitScreen(5*time.Second, "the agent's sequence naming its calls", func(scr string) bool {
		return strings.Contains(scr, "OFFSET") && strings.Contains(scr, "initialize")
	})
	s.keys("q")
}
