package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// TestOldestSessions checks that the oldest sessions come in the order
// Sessions lists them, across read chunks and past the store's end.
func TestOldestSessions(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var batch []ingest.Record
	const n = 2500
	for i := range n {
		// Equal last-seen times for pairs, to exercise the id tie-break.
		batch = append(batch, record(fmt.Sprintf("s%04d-1", i), t0.Add(time.Duration(i/2)*time.Second), "192.0.2.1", "/", 200, engine.Session{}))
	}
	if err := s.Write(batch); err != nil {
		t.Fatal(err)
	}
	all, err := s.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 999, 1000, 1001, 2500, 4000} {
		got, err := s.OldestSessions(limit)
		if err != nil {
			t.Fatal(err)
		}
		want := all[max(len(all)-limit, 0):]
		if !slices.EqualFunc(got, want, func(a, b engine.Session) bool { return a.ID == b.ID }) {
			t.Errorf("OldestSessions(%d): %d sessions from %s, want %d from %s", limit, len(got), got[0].ID, len(want), want[0].ID)
		}
	}
}
