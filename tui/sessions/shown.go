package sessions

import "github.com/spoorhq/spoor/engine"

// Shown returns the sessions the list shows, in display order: the loaded
// ones narrowed by the MCP tab and by a search. What summarises the list
// (the traffic strip, the count in the status bar) reads these, so that
// whatever narrows the rows narrows it too.
func (m Model) Shown() []engine.Session {
	out := make([]engine.Session, len(m.order))
	for k, i := range m.order {
		out[k] = m.list[i]
	}
	return out
}

// Searching reports whether a search narrows the list.
func (m Model) Searching() bool { return m.found != nil }
