package main

import (
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui"
)

// forwardCommits tells the TUI about store commits until done closes. It
// is the only coalescing step outside the model, and it needs no clock:
// the committer signals notify without waiting and notify holds one
// signal, so while send waits for a busy UI every further commit folds
// into the one pending signal. The model then turns the RefreshMsgs that
// arrive into at most one reload per 50 ms window, and it also waits for a
// load in flight, which a timer here could not see.
func forwardCommits(done, notify <-chan struct{}, send func(tea.Msg)) {
	for {
		select {
		case <-done:
			return
		case <-notify:
		}
		send(tui.RefreshMsg{})
	}
}
