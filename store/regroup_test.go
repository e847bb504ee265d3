package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// TestRegroupMatchesFreshIngest stores traffic grouped one way, regroups it
// with the keys reordered, and compares the outcome with a store that
// ingested the same traffic with the new order from the start: the same
// session ids, summaries and member exchanges. It regroups 100,000
// exchanges; under the race detector (make test), which makes it five times
// slower, and with -short, it regroups 25,000, which still span two epochs.
func TestRegroupMatchesFreshIngest(t *testing.T) {
	n := 100_000
	if testing.Short() || raceDetector {
		n = 25_000
	}
	xs := traffic(n, 400, 1)
	before := keyList(t)
	after := keyList(t, "req.query.token", "req.ip", "req.header.X-Session-Id")

	regrouped, fresh := twinStores(t)
	ingestAll(t, regrouped, before, cloneExchanges(xs))
	ingestAll(t, fresh, after, cloneExchanges(xs))

	z := engine.NewSessionizer(engine.SessionizerOptions{Keys: after}, engine.NewHasher(regrouped.Secret()))
	preview, err := regrouped.PreviewRegroup(context.Background(), engine.NewSessionizer(engine.SessionizerOptions{Keys: after}, engine.NewHasher(regrouped.Secret())))
	if err != nil {
		t.Fatal(err)
	}
	var calls, lastDone, lastTotal int
	err = regrouped.Regroup(context.Background(), z, RegroupOptions{Progress: func(done, total int) {
		calls++
		if done < lastDone || done > total {
			t.Errorf("progress went from %d to %d of %d", lastDone, done, total)
		}
		lastDone, lastTotal = done, total
	}})
	if err != nil {
		t.Fatal(err)
	}
	if lastDone != n || lastTotal != n || calls < n/regroupChunk {
		t.Errorf("progress ended at %d of %d after %d calls, want %d of %d", lastDone, lastTotal, calls, n, n)
	}

	got, err := regrouped.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	want, err := fresh.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("regroup made %d sessions, a fresh ingest %d", len(got), len(want))
	}
	if preview.After != len(want) {
		t.Errorf("preview announced %d sessions, regroup made %d", preview.After, len(want))
	}
	t.Logf("%d exchanges: %d sessions → %d (%d merged, %d split)", n, preview.Before, preview.After, preview.Merged, preview.Split)
	if preview.Merged == 0 || preview.Split == 0 {
		t.Errorf("preview %+v: the fixture should both merge and split sessions", preview)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.FirstSeen.Equal(w.FirstSeen) || !g.LastSeen.Equal(w.LastSeen) {
			t.Fatalf("session %s spans %v–%v, fresh %s %v–%v", g.ID, g.FirstSeen, g.LastSeen, w.ID, w.FirstSeen, w.LastSeen)
		}
		g.FirstSeen, g.LastSeen = w.FirstSeen, w.LastSeen // equal instants; the zones may differ
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("session %d differs:\nregrouped %+v\nfresh     %+v", i, g, w)
		}
		if i%50 == 0 { // the read path, on a sample; the assignments below cover every exchange
			if got, want := memberIDs(t, regrouped, g.ID), memberIDs(t, fresh, w.ID); !slices.Equal(got, want) {
				t.Fatalf("session %s holds exchanges %v, fresh %v", g.ID, got, want)
			}
		}
	}
	// Every exchange is a member of the same session in both stores.
	if got, want := assignments(t, regrouped), assignments(t, fresh); !reflect.DeepEqual(got, want) {
		t.Fatalf("exchange assignments differ (%d regrouped, %d fresh)", len(got), len(want))
	}
	// Every exchange reads back with its new session.
	x, err := regrouped.Exchange(uint64(n / 2))
	if err != nil {
		t.Fatal(err)
	}
	y, err := fresh.Exchange(uint64(n / 2))
	if err != nil {
		t.Fatal(err)
	}
	if x.SessionID != y.SessionID || x.KeyPoint != y.KeyPoint {
		t.Errorf("exchange %d is in %s by %s, fresh in %s by %s", x.ID, x.SessionID, x.KeyPoint, y.SessionID, y.KeyPoint)
	}
}

// assignments reads every exchange's session and key point in one pass.
func assignments(t *testing.T, s *Store) map[uint64]assignment {
	t.Helper()
	out := map[uint64]assignment{}
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		return forEachAssignment(g.assign, func(id uint64, a assignment) error {
			out[id] = a
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func memberIDs(t *testing.T, s *Store, sessionID string) []uint64 {
	t.Helper()
	xs, err := s.Requests(sessionID)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]uint64, len(xs))
	for i, x := range xs {
		if x.SessionID != sessionID {
			t.Fatalf("exchange %d listed in %s reads back in %s", x.ID, sessionID, x.SessionID)
		}
		ids[i] = x.ID
	}
	return ids
}

// TestRegroupReadsBodies regroups by a key in the request body, which only
// the stored bodies can answer.
func TestRegroupReadsBodies(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var xs []*engine.Exchange
	for i := range 30 {
		x := exchange(t0.Add(time.Duration(i)*time.Second), "192.0.2.1", "/orders", 201)
		x.Method = "POST"
		x.ReqHeaders = []engine.Header{{Name: "User-Agent", Value: "app/1"}, {Name: "Content-Type", Value: "application/json"}}
		x.ReqBody = engine.Body{Data: fmt.Appendf(nil, `{"user":"u%d","qty":1}`, i%3)}
		x.ReqBody.Size = int64(len(x.ReqBody.Data))
		xs = append(xs, x)
	}
	ingestAll(t, s, keyList(t), xs)
	if _, n, _ := s.Count(); n != 1 {
		t.Fatalf("%d sessions before, want 1 (one address and agent)", n)
	}
	keys := keyList(t, "req.json.user")
	p, err := s.PreviewRegroup(context.Background(), engine.NewSessionizer(engine.SessionizerOptions{Keys: keys}, engine.NewHasher(s.Secret())))
	if err != nil {
		t.Fatal(err)
	}
	if p != (Preview{Before: 1, After: 3, Split: 1}) {
		t.Errorf("preview = %+v, want 1 → 3, 1 split", p)
	}
	if err := s.Regroup(context.Background(), engine.NewSessionizer(engine.SessionizerOptions{Keys: keys}, engine.NewHasher(s.Secret())), RegroupOptions{}); err != nil {
		t.Fatal(err)
	}
	sessions, err := s.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 3 {
		t.Fatalf("%d sessions after regrouping by req.json.user, want 3", len(sessions))
	}
	for _, sess := range sessions {
		if sess.KeyPoint != "req.json.user" || sess.Requests != 10 {
			t.Errorf("session %s: key %s, %d requests; want req.json.user, 10", sess.ID, sess.KeyPoint, sess.Requests)
		}
	}
}
