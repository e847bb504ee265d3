package sessions

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/theme"
)

// sortList is a list where every column has values to order, with ties.
func sortList(at time.Time) []engine.Session {
	list := testSessions(12, at)
	for i := range list {
		s := &list[i]
		s.Actor = []string{"mallory", "Alice", "bob", "carol"}[i%4]
		s.Role = []string{"", "admin", "user"}[i%3]
		s.IPs = []string{fmt.Sprintf("10.0.0.%d", []int{9, 10, 2, 100}[i%4])}
		s.KeyPoint = []string{"req.ip", "req.jwt.sub"}[i%2]
		s.Requests = 10 + i%5
		if i%3 == 0 {
			s.Abuse = []engine.Verdict{{Type: "bot", Confidence: float64(i) / 20}}
		}
	}
	return list
}

// TestSortEveryColumn checks that s reaches every column, that the order
// follows the column's values in the direction the header marks, and
// that S reverses it while ties keep the newest-first order.
func TestSortEveryColumn(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	m := New(theme.New(true, false))
	m.SetClock(func() time.Time { return at })
	m.SetSize(200, 20)
	list := sortList(at)
	m.SetSessions(list)
	s := tea.KeyPressMsg{Code: 's', Text: "s"}
	r := tea.KeyPressMsg{Code: 'S', Text: "S"}
	for k := SortKey(0); k < sortKeys; k++ {
		if got, _ := m.Sort(); got != k {
			t.Fatalf("s reached %v, want %v", got, k)
		}
		for _, reversed := range []bool{false, true} {
			asc := Ascending(k, reversed)
			header := strings.SplitN(m.View(), "\n", 2)[0]
			mark := "▼"
			if asc {
				mark = "▲"
			}
			marks := strings.Count(header, "▲") + strings.Count(header, "▼")
			if k == SortLastSeen && !reversed {
				if marks != 0 {
					t.Errorf("the default order is marked: %q", header)
				}
			} else if marks != 1 || !strings.Contains(header, mark) {
				t.Errorf("%v (reversed %v): header %q lacks %s", k, reversed, header, mark)
			}
			rows := rowsOf(m)
			for i := 1; i < len(rows); i++ {
				a, b := rows[i-1], rows[i]
				c := compareKeys(k, a, b)
				if !asc {
					c = -c
				}
				if c > 0 {
					t.Errorf("%v (reversed %v): %s before %s", k, reversed, a.ID, b.ID)
				}
				if c == 0 && a.LastSeen.Before(b.LastSeen) {
					t.Errorf("%v (reversed %v): tie %s before the newer %s", k, reversed, a.ID, b.ID)
				}
			}
			m, _ = m.Update(r)
		}
		m, _ = m.Update(s)
	}
}

// compareKeys compares two sessions by a sort key, ascending; empty text
// sorts after any text.
func compareKeys(k SortKey, a, b *engine.Session) int {
	if k.text() {
		return strings.Compare(textKey(k, a), textKey(k, b))
	}
	x, y := numberKey(k, a), numberKey(k, b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func rowsOf(m Model) []*engine.Session {
	out := make([]*engine.Session, len(m.order))
	for i, j := range m.order {
		out[i] = &m.list[j]
	}
	return out
}

func TestSortIPsByAddress(t *testing.T) {
	list := []engine.Session{{ID: "a", IPs: []string{"10.0.0.10"}}, {ID: "b", IPs: []string{"10.0.0.9"}}, {ID: "c", IPs: []string{"2001:db8::1"}}, {ID: "d"}}
	m := New(theme.New(true, false))
	m.sort = SortIP
	m.SetSessions(list)
	var got []string
	for _, s := range rowsOf(m) {
		got = append(got, s.ID)
	}
	if want := []string{"b", "a", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("by IP: %v, want %v", got, want)
	}
}

// TestFollowAndKeepPlace: on the first row the cursor follows the top of
// the list; anywhere else it keeps its session and its screen row, and a
// re-sort that brings its session to the top does not make it follow.
func TestFollowAndKeepPlace(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	m := New(theme.New(true, false))
	m.SetSize(120, 10)
	m.SetSessions(testSessions(30, at))
	if !m.Following() {
		t.Fatal("a new list does not follow")
	}
	newer := append([]engine.Session{{ID: "new", LastSeen: at.Add(time.Minute)}}, testSessions(30, at)...)
	m.SetSessions(newer)
	if s, _ := m.Selected(); s.ID != "new" {
		t.Errorf("following, the cursor is on %s, want the newest", s.ID)
	}

	down := tea.KeyPressMsg{Code: tea.KeyDown}
	m, _ = m.Update(down)
	m, _ = m.Update(down)
	cur, _ := m.Selected()
	if m.Following() {
		t.Fatal("moving down still follows")
	}
	// cur comes back to life: it goes to the top and the cursor with it.
	moved := slices.Clone(newer)
	i := slices.IndexFunc(moved, func(s engine.Session) bool { return s.ID == cur.ID })
	s := moved[i]
	s.LastSeen = at.Add(time.Hour)
	moved = append([]engine.Session{s}, slices.Delete(moved, i, i+1)...)
	m.SetSessions(moved)
	if got, _ := m.Selected(); got.ID != cur.ID || m.Index() != 0 {
		t.Fatalf("cursor on %s at row %d, want %s at row 0", got.ID, m.Index(), cur.ID)
	}
	if m.Following() {
		t.Error("a re-sort that brought the cursor's session to the top made the list follow")
	}
	m.SetSessions(append([]engine.Session{{ID: "newest", LastSeen: at.Add(2 * time.Hour)}}, moved...))
	if got, _ := m.Selected(); got.ID != cur.ID {
		t.Errorf("not following, a new session took the cursor to %s", got.ID)
	}
}

func TestChangesCountsNewAndGrown(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	m := New(theme.New(true, false))
	m.SetSessions(testSessions(10, at))
	next := testSessions(12, at)
	next[3].Requests++
	next[4].Abuse = []engine.Verdict{{Type: "bot"}}
	if got := m.Changes(next); got != 4 {
		t.Errorf("Changes = %d, want 4 (two new, one grown, one judged)", got)
	}
}

// TestMarkedTitleKeepsItsArrow: a sorted title cut to its column keeps
// the mark.
func TestMarkedTitleKeepsItsArrow(t *testing.T) {
	m := New(theme.New(true, false))
	m.reversed = true
	cols := m.columns()
	ws := make([]int, len(cols))
	ws[colLastSeen] = 8
	got := m.marked(cols, ws)[colLastSeen].Title
	if got != "LAST S…▲" {
		t.Errorf("title %q, want %q", got, "LAST S…▲")
	}
}

// BenchmarkSort sorts a hundred thousand loaded sessions by a number
// column and by a text column, as s does on a big store.
func BenchmarkSort(b *testing.B) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	list := testSessions(100_000, at)
	for _, k := range []SortKey{SortRequests, SortActor, SortIP} {
		b.Run(k.String(), func(b *testing.B) {
			m := New(theme.New(true, false))
			m.list = list
			m.sort = k
			for b.Loop() {
				_ = m.sorted()
			}
		})
	}
}
