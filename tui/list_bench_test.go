package tui

import (
	"testing"
)

// BenchmarkLoadSessions measures the list's loads on a store of 200k
// exchanges in 200k sessions (each of the 100k clients comes back after the
// inactivity gap): the first page with its true total (what
// every live reload of a full page costs), the count alone, the last page
// G reads from a store, and every session, which G reads from a source
// that cannot read its last page.
//
//	go test ./tui -run '^$' -bench LoadSessions -benchtime 5x
func BenchmarkLoadSessions(b *testing.B) {
	st := benchStore(b, 200_000, 100_000)
	_, sessions, err := st.Count()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("page+total", func(b *testing.B) {
		for b.Loop() {
			msg, ok := loadSessions(st, sessionLimit, nil, 0)().(sessionsLoadedMsg)
			if !ok || msg.total != sessions {
				b.Fatalf("load: %#v", msg.total)
			}
		}
	})
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			if _, n, err := st.Count(); err != nil || n != sessions {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("last-page+total", func(b *testing.B) {
		for b.Loop() {
			msg, ok := loadOldest(st, st, sessionLimit, 0)().(sessionsLoadedMsg)
			if !ok || len(msg.sessions) != sessionLimit || msg.total != sessions {
				b.Fatal("load the last page")
			}
		}
	})
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			msg, ok := loadSessions(st, 0, nil, 0)().(sessionsLoadedMsg)
			if !ok || len(msg.sessions) != sessions {
				b.Fatal("load all")
			}
		}
	})
}
