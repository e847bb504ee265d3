package sequence

import (
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/theme"
)

// TestReloadKeepsTheRequest reloads the requests under a filter as a mute
// changes what it shows: the cursor stays on its request when an earlier
// one leaves, moves to the next request shown when its own leaves, and
// stays when the session grows.
func TestReloadKeepsTheRequest(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	sqli := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli"}
	xs := make([]engine.Exchange, 5)
	for i := range xs {
		xs[i] = engine.Exchange{ID: uint64(10 + i), Start: at.Add(time.Duration(i) * time.Second), Method: "GET", Path: "/search", Status: 200}
		if i != 2 {
			xs[i].Attacks = []engine.AttackTag{sqli}
		}
	}
	m := New(theme.New(true, true), func() time.Time { return at })
	m.SetSize(100, 20)
	m.SetExchanges(xs)
	if err := m.filterApplied("attack:sqli"); err != nil {
		t.Fatal(err)
	}
	m.cursor.SetLen(len(m.shown), 2) // request 13
	if x, _ := m.Selected(); x.ID != 13 {
		t.Fatalf("selected %d, want 13", x.ID)
	}
	mute := func(xs []engine.Exchange, id uint64) []engine.Exchange {
		out := append([]engine.Exchange(nil), xs...)
		out[id-10].Attacks = []engine.AttackTag{{Type: sqli.Type, Point: sqli.Point, Rule: sqli.Rule, MutedBy: "fp"}}
		return out
	}
	// A request before the cursor leaves the filter: the cursor stays.
	muted := mute(xs, 11)
	m.SetExchanges(muted)
	if x, _ := m.Selected(); x.ID != 13 {
		t.Errorf("after 11's tag was muted the cursor is on %d, want 13 still", x.ID)
	}
	// The request under the cursor leaves it: the next one shown.
	muted = mute(muted, 13)
	m.SetExchanges(muted)
	if x, _ := m.Selected(); x.ID != 14 {
		t.Errorf("after 13's tag was muted the cursor is on %d, want 14, the next request shown", x.ID)
	}

	grown := append(append([]engine.Exchange(nil), muted...), engine.Exchange{ID: 15, Start: at.Add(time.Minute), Attacks: []engine.AttackTag{sqli}})
	m.SetExchanges(grown)
	if x, _ := m.Selected(); x.ID != 14 {
		t.Errorf("after the session grew the cursor is on %d, want 14", x.ID)
	}
}
