package sessions

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/sparkline"
	"github.com/spoorhq/spoor/tui/theme"
)

// benchList is a list of 2,000 sessions at 160×46, every row with a
// sparkline.
func benchList(b *testing.B) Model {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	m := New(theme.New(true, false))
	m.SetSize(160, 46)
	list := testSessions(2000, at)
	m.SetSessions(list)
	for i := range list {
		m.SetActivity(list[i].ID, sparkline.Series{Counts: []int{1, 5, 2, 8, 0, 3}, Errors: []int{0, 1, 0, 0, 0, 0}})
	}
	return m
}

// BenchmarkViewRedraw is a frame that draws every row: a page down, a
// search result, sparklines arriving.
func BenchmarkViewRedraw(b *testing.B) {
	m := benchList(b)
	for b.Loop() {
		m.rows = newRowCache()
		_ = m.View()
	}
}

// BenchmarkViewCursor is a frame after the cursor moved one row.
func BenchmarkViewCursor(b *testing.B) {
	m := benchList(b)
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	_ = m.View()
	for i := 0; b.Loop(); i++ {
		k := down
		if i%2 == 1 {
			k = up
		}
		m, _ = m.Update(k)
		_ = m.View()
	}
}
