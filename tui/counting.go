package tui

import (
	"strings"

	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/table"
)

// countText is the status bar's position and what it counts: the cursor's
// row and the sessions shown (position), and when the MCP tab or a search
// narrows the list, how many sessions are loaded and why fewer are shown,
// so the number always agrees with the rows and the strip above it.
func (m Model) countText() string {
	pos := m.position()
	if !m.narrowed() {
		return pos
	}
	var why []string
	if m.sessions.MCP() {
		why = append(why, "MCP tab")
	}
	if q := m.search.Query(); q != "" && m.sessions.Searching() {
		why = append(why, "search “"+table.Sanitize(q)+"”")
	}
	if len(why) == 0 {
		return pos
	}
	// A search and the MCP tab narrow the loaded sessions, not the store:
	// say how many were looked through, "+" when more pages remain.
	loaded := human.Count(len(m.sessions.Sessions()))
	if m.list.more {
		loaded += "+"
	}
	noun := " sessions"
	if loaded == "1" {
		noun = " session"
	}
	shown := strings.TrimSuffix(strings.TrimSuffix(pos, " sessions"), " session")
	return shown + " of " + loaded + noun + " (" + strings.Join(why, ", ") + ")"
}

// narrowed is whether the list shows fewer sessions than are loaded: the
// MCP tab, or a search whose results are on display.
func (m Model) narrowed() bool {
	return m.focus == focusSessions && (m.sessions.MCP() || (m.search.Query() != "" && m.sessions.Searching()))
}
