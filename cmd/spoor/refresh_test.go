package main

import (
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui"
)

// TestForwardCommitsNeverHoldsTheCommitter signals commits as the
// pipeline's OnCommit does while the UI takes messages only when the test
// lets it: no signal ever waits, and a burst folds into one pending
// refresh however long the UI is busy.
func TestForwardCommitsNeverHoldsTheCommitter(t *testing.T) {
	notify := make(chan struct{}, 1)
	done := make(chan struct{})
	release := make(chan struct{})
	var sent atomic.Int32
	send := func(msg tea.Msg) {
		if _, ok := msg.(tui.RefreshMsg); !ok {
			t.Errorf("forwarded %T, want tui.RefreshMsg", msg)
		}
		sent.Add(1)
		<-release // a UI busy with something else
	}
	finished := make(chan struct{})
	go func() {
		forwardCommits(done, notify, send)
		close(finished)
	}()
	// commit is OnCommit's signal: it must never wait for the UI.
	commit := func() {
		select {
		case notify <- struct{}{}:
		default:
		}
	}
	waitSent := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for sent.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d refreshes forwarded, waited for %d", sent.Load(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}

	for range 1000 {
		commit()
	}
	waitSent(1)
	for range 1000 {
		commit() // the UI is still busy with the first refresh
	}
	release <- struct{}{}
	waitSent(2) // the one pending signal of the second burst
	close(done)
	close(release)
	<-finished
	if n := sent.Load(); n != 2 {
		t.Errorf("2000 commits while the UI was busy forwarded %d refreshes, want 2", n)
	}
}
