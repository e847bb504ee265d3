package sessions

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/sparkline"
	"github.com/spoorhq/spoor/tui/theme"
)

func testSessions(n int, at time.Time) []engine.Session {
	list := make([]engine.Session, n)
	for i := range list {
		list[i] = engine.Session{
			ID:           fmt.Sprintf("s%03d", i),
			KeyID:        fmt.Sprintf("k%07d", i),
			KeyPoint:     "req.header.Session-Id",
			Actor:        fmt.Sprintf("sess-%03d", i),
			FirstSeen:    at.Add(-time.Duration(i+1) * time.Minute),
			LastSeen:     at.Add(-time.Duration(i) * time.Second),
			Requests:     10 + i,
			IPs:          []string{fmt.Sprintf("10.0.0.%d", i)},
			StatusCounts: map[int]int{200: 10, 404: i % 3, 500: i % 2},
			Flows:        map[string]int{"login": i % 2},
		}
		if i%4 == 0 {
			list[i].Attacks = map[string]int{"sqli": i}
		}
		if i%5 == 0 {
			list[i].MCP = &engine.SessionMCP{Client: "agent", Methods: map[string]int{"tools/call": i}}
		}
	}
	return list
}

// TestRowCacheDrawsWhatARedrawDraws drives a model with its row cache and
// one without through reloads, live updates, abuse verdicts revised with
// no new request, sparklines, searches, cursor moves, resizes, sorts, the
// MCP tab and a theme change, and compares every frame.
func TestRowCacheDrawsWhatARedrawDraws(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cached := New(theme.New(true, false))
	fresh := New(theme.New(true, false))
	fresh.rows = nil
	both := func(f func(m *Model)) {
		t.Helper()
		f(&cached)
		f(&fresh)
		fresh.rows = nil
		if got, want := cached.View(), fresh.View(); got != want {
			t.Fatalf("cached frame differs:\n%s\nwant:\n%s", got, want)
		}
	}
	key := func(k tea.KeyPressMsg) func(m *Model) {
		return func(m *Model) { *m, _ = m.Update(k) }
	}
	down := tea.KeyPressMsg{Code: tea.KeyDown}

	list := testSessions(60, at)
	both(func(m *Model) { m.SetSize(160, 20) })
	both(func(m *Model) { m.SetSessions(list) })
	for range 5 {
		both(key(down))
	}
	both(key(tea.KeyPressMsg{Code: tea.KeyPgDown}))
	both(func(m *Model) {
		m.SetActivity(list[20].ID, sparkline.Series{Counts: []int{1, 5, 2, 8}, Errors: []int{0, 1, 0, 0}})
	})

	// A live reload: one session grew, another was judged a bot without
	// a new request, a third renamed by its user.
	grown := testSessions(60, at)
	grown[21].Requests++
	grown[21].LastSeen = grown[21].LastSeen.Add(time.Second)
	grown[22].Abuse = []engine.Verdict{{Type: "bot", Confidence: 0.9}}
	grown[23].User = "alice"
	both(func(m *Model) { m.SetSessions(grown) })
	revised := testSessions(60, at)
	copy(revised, grown)
	revised[22].Abuse = []engine.Verdict{{Type: "scraper", Confidence: 0.9}}
	both(func(m *Model) { m.SetSessions(revised) })
	more := testSessions(60, at)
	copy(more, revised)
	more[22].Abuse = []engine.Verdict{{Type: "scraper", Confidence: 0.9}, {Type: "bot", Confidence: 0.5}}
	both(func(m *Model) { m.SetSessions(more) })

	both(func(m *Model) {
		m.SetMatches([]Match{
			{SessionID: "s021", Index: 21, Field: "key", Text: "sess-021", Marks: []int{0, 5}},
			{SessionID: "s003", Index: 99, Field: "ip", Text: "10.0.0.3", Marks: []int{1}},
		})
	})
	both(key(down))
	both(func(m *Model) {
		m.SetMatches([]Match{
			{SessionID: "s003", Index: 3, Field: "ip", Text: "10.0.0.3", Marks: []int{1}},
			{SessionID: "s021", Index: 21, Field: "key", Text: "sess-021", Marks: []int{1, 2}},
		})
	})
	both(func(m *Model) { m.SetMatches(nil) })
	both(key(tea.KeyPressMsg{Code: 's', Text: "s"}))
	both(key(tea.KeyPressMsg{Code: 'S', Text: "S"}))
	// Midnight: the times of yesterday become dates.
	both(func(m *Model) { m.SetClock(func() time.Time { return at.Add(24 * time.Hour) }) })
	both(func(m *Model) { m.SetSize(100, 12) })
	both(func(m *Model) { m.SetMCP(true) })
	both(key(down))
	both(func(m *Model) { m.SetMCP(false) })
	both(func(m *Model) { m.SetTheme(theme.New(false, false)) })
	both(func(m *Model) { m.SetActivityReset() })
	both(func(m *Model) { m.SetSessions(testSessions(3, at)) })
}
