package tui

import "github.com/spoorhq/spoor/engine"

// SessionSource is what the TUI reads; the store satisfies it. Calls do
// I/O, so the TUI makes them only inside tea.Cmds.
type SessionSource interface {
	// Sessions returns sessions with the newest LastSeen first; limit <= 0
	// means all.
	Sessions(limit int) ([]engine.Session, error)
	// Requests returns a session's exchanges in time order.
	Requests(sessionID string) ([]engine.Exchange, error)
}

// Stats are the capture's live counters.
type Stats struct {
	Captured, Dropped uint64
}

// Options is what the TUI needs from the command that starts it.
type Options struct {
	Source SessionSource
	// Stats reads the capture counters. It may be nil (a stored capture
	// opened offline) and must be cheap and non-blocking, because the TUI
	// calls it from Update.
	Stats func() Stats
	// Title names what is being watched, e.g. the proxy's addresses.
	Title string
}
