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
		return pos + sessionsNoun(pos)
	}
	var why []string
	if m.sessions.MCP() {
		why = append(why, "MCP tab")
	}
	if q := m.search.Query(); q != "" && m.sessions.Searching() {
		why = append(why, "search “"+table.Sanitize(q)+"”")
	}
	// A search and the MCP tab narrow the loaded sessions, not the store:
	// say how many were looked through, "+" when more pages remain.
	loaded := human.Count(len(m.sessions.Sessions()))
	if m.list.more {
		loaded += "+"
	}
	return pos + " of " + loaded + sessionsNoun(loaded) + " (" + strings.Join(why, ", ") + ")"
}

// sessionsNoun is the noun after a count of sessions ("1", "3/8", "1,000+").
func sessionsNoun(count string) string {
	if count == "1" || strings.HasSuffix(count, "/1") {
		return " session"
	}
	return " sessions"
}

// narrowed is whether the list shows fewer sessions than are loaded: the
// MCP tab, or a search whose results are on display.
func (m Model) narrowed() bool {
	return m.focus == focusSessions && (m.sessions.MCP() || (m.search.Query() != "" && m.sessions.Searching()))
}
