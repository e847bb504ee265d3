package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
)

const (
	// refreshDelay coalesces live refreshes: every RefreshMsg that arrives
	// within it costs one reload, which caps reloads at 20 a second.
	refreshDelay = 50 * time.Millisecond
	// statsInterval re-reads the capture counters, which move even when
	// nothing reaches the store (dropped exchanges never do).
	statsInterval = time.Second
	// sessionLimit bounds one reload. The list shows the most recently
	// active sessions; older ones stay in the store for the CLI.
	sessionLimit = 1000
)

// RefreshMsg tells the TUI that the store has new data. The command that
// owns the capture sends it after each commit, as often as it likes.
type RefreshMsg struct{}

// refreshTickMsg ends a coalescing window.
type refreshTickMsg struct{}

// statsTickMsg asks for a fresh read of the capture counters.
type statsTickMsg struct{}

// sessionsLoadedMsg carries the result of a sessions load.
type sessionsLoadedMsg struct {
	sessions []engine.Session
}

// requestsLoadedMsg carries one session's requests. asOf is the session's
// request count when the load was decided, so that the next refresh can
// tell whether the session grew since.
type requestsLoadedMsg struct {
	sessionID string
	exchanges []engine.Exchange
	asOf      int
}

// errMsg reports a failed load; the status bar shows it.
type errMsg struct {
	err error
}

// loadSessions reads the sessions list.
func loadSessions(src SessionSource) tea.Cmd {
	return func() tea.Msg {
		list, err := src.Sessions(sessionLimit)
		if err != nil {
			return errMsg{fmt.Errorf("load sessions: %w", err)}
		}
		return sessionsLoadedMsg{sessions: list}
	}
}

// loadRequests reads one session's requests.
func loadRequests(src SessionSource, sessionID string, asOf int) tea.Cmd {
	return func() tea.Msg {
		xs, err := src.Requests(sessionID)
		if err != nil {
			return errMsg{fmt.Errorf("load requests of session %s: %w", sessionID, err)}
		}
		return requestsLoadedMsg{sessionID: sessionID, exchanges: xs, asOf: asOf}
	}
}

// after delivers msg once d has passed. It is the model's default
// scheduler; tests replace it to fire timers by hand.
func after(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}
