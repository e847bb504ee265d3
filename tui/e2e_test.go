package tui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestEndToEnd runs the model in a real program: the first load, a live
// refresh sent from outside as cmd does, opening a session and quitting.
func TestEndToEnd(t *testing.T) {
	src := fixtureSource()
	tm := teatest.NewTestModel(t, New(Options{Source: src, Title: testTitle, Now: fixtureNow}), teatest.WithInitialTermSize(100, 30))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}

	wait("alice@example.com")

	src.add(carol, req{start: at(10, 6, 0, 0), method: "GET", path: "/api/v1/invoices", status: 200, durMS: 12})
	tm.Send(RefreshMsg{})
	wait("10:06:00")

	// The list was following, so the cursor went to carol as she moved
	// above alice; g keeps it on the top row.
	tm.Send(tea.KeyPressMsg{Code: 'g', Text: "g"})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("/api/v1/invoices")

	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a tui.Model")
	}
	if final.focus != focusSequence || final.sequence.Session().ID != carol.id {
		t.Errorf("final model shows %q (focus %d), want carol's sequence", final.sequence.Session().ID, final.focus)
	}
}
