package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// TestRecentSessionIDsMerge lowers the merge size so that a few batches of
// new sessions go through the small id bucket, several merges and a
// retention pass, and checks after each step that every session is found
// by its id, in exactly one bucket, and that the indexes agree.
func TestRecentSessionIDsMerge(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := &clock{now: t0}
	s := openTemp(t, Options{Now: c.Now})
	s.mergeRecentAt = 7
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	var ids []string
	write := func(from, n int) {
		t.Helper()
		var recs []ingest.Record
		for i := from; i < from+n; i++ {
			x := exchange(t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("198.51.100.%d", i%250), "/a", 200)
			x.ReqHeaders = []engine.Header{{Name: "User-Agent", Value: "curl/8"}, {Name: "Cookie", Value: fmt.Sprintf("sid=s%d", i%40)}}
			recs = append(recs, ingest.Record{Exchange: x, Session: a.Analyze(x)})
			ids = append(ids, x.SessionID)
		}
		if err := s.Write(recs); err != nil {
			t.Fatal(err)
		}
	}
	found := func(want int) {
		t.Helper()
		if err := s.CheckIndexes(); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := s.Session(id); err != nil {
				t.Fatalf("session %s: %v", id, err)
			}
		}
		_, n, err := s.Count()
		if err != nil || n != want {
			t.Fatalf("count = %d sessions, %v; want %d", n, err, want)
		}
	}
	write(0, 5) // 5 new sessions: all in the small bucket
	found(5)
	write(5, 20) // 20 more: merged on the way
	found(25)
	write(25, 60) // the rest, and requests of known sessions
	found(40)
	var recent, large int
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		recent, large = g.recentIDs.Stats().KeyN, g.sessionIDs.Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if recent == 0 || large == 0 || recent >= 7 {
		t.Errorf("small bucket holds %d ids, large %d: want both used, the small one under its merge size", recent, large)
	}

	// Retention empties the oldest sessions: their ids leave whichever
	// bucket holds them.
	c.now = t0.Add(engine.DefaultRetention + time.Hour)
	if _, err := s.Expire(context.Background(), engine.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
	if _, n, err := s.Count(); err != nil || n != 0 {
		t.Errorf("after retention: %d sessions, %v; want 0", n, err)
	}
}

// TestGenerationWithoutRecentIDs opens a store whose generation predates
// the small id bucket: a read finds every session through the large one,
// and the next write adds the bucket.
func TestGenerationWithoutRecentIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.mergeRecentAt = 1 // every id goes straight to the large bucket
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	recs := analyse(s, exchange(t0, "198.51.100.1", "/a", 200), exchange(t0.Add(time.Second), "198.51.100.2", "/b", 200))
	if err := s.Write(recs); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		return g.root.DeleteBucket([]byte(genRecentIDs))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Session(recs[1].Session.ID); err != nil {
		t.Errorf("read-only, without the small bucket: %v", err)
	}
	ro.Close()

	rw := openAt(t, path, Options{})
	more := analyse(rw, exchange(t0.Add(2*time.Second), "198.51.100.3", "/c", 200))
	if err := rw.Write(more); err != nil {
		t.Fatal(err)
	}
	for _, r := range append(recs, more...) {
		if _, err := rw.Session(r.Session.ID); err != nil {
			t.Errorf("after a write: session %s: %v", r.Session.ID, err)
		}
	}
}
