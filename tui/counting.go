package tui

import (
	"strings"

	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/table"
)

// countText is the status bar's count and what it counts: the sessions
// the last load brought ("1,000+" when a page cut it), and when the MCP
// tab or a search narrows the list, how many of them are shown and why,
// so the number always agrees with the rows and the strip above it.
func (m Model) countText() string {
	loaded := human.Count(m.total)
	if m.full {
		loaded += "+"
	}
	noun := " sessions"
	if m.total == 1 && !m.full {
		noun = " session"
	}
	var why []string
	if m.focus == focusSessions {
		if m.sessions.MCP() {
			why = append(why, "MCP tab")
		}
		if q := m.search.Query(); q != "" && m.sessions.Searching() {
			why = append(why, "search “"+table.Sanitize(q)+"”")
		}
	}
	if len(why) == 0 {
		return loaded + noun
	}
	return human.Count(m.sessions.Len()) + " of " + loaded + noun + " (" + strings.Join(why, ", ") + ")"
}
