package store

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// TestPostingsPageAndDrop writes two actors interleaved in batches large
// enough for lists of maxPosting ids that cross an epoch, then checks that
// paging through a session from every kind of position (a list's first id,
// its middle, between lists) returns what one read does, and that dropping
// scattered ids rewrites the lists to hold exactly the rest.
func TestPostingsPageAndDrop(t *testing.T) {
	// Not openTemp: the drop below leaves exchanges without their
	// index entries, which CheckIndexes would rightly report.
	s, err := Open(filepath.Join(t.TempDir(), "spoor.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	// The first batch moves the ids close to an epoch boundary, so the
	// lists of the next ones are split by it as well as by maxPosting.
	const n = 3000
	filler := actorTraffic(t0, "198.51.100.9", "filler", 1<<epochBits-1200)
	xa := actorTraffic(t0.Add(time.Hour), "198.51.100.1", "a", n)
	xb := actorTraffic(t0.Add(time.Hour), "198.51.100.2", "b", n)
	write := func(xs []*engine.Exchange) {
		t.Helper()
		var recs []ingest.Record
		for _, x := range xs {
			recs = append(recs, ingest.Record{Exchange: x, Session: a.Analyze(x)})
		}
		if err := s.Write(recs); err != nil {
			t.Fatal(err)
		}
	}
	write(filler)
	var mixed []*engine.Exchange
	for i := range n {
		mixed = append(mixed, xa[i], xb[i])
	}
	write(mixed[:2*n/3])
	write(mixed[2*n/3:])

	all, err := s.Requests(xa[0].SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("session a reads %d requests, want %d", len(all), n)
	}
	for i := range all {
		if all[i].ID != xa[i].ID {
			t.Fatalf("request %d is exchange %d, want %d", i, all[i].ID, xa[i].ID)
		}
	}
	for _, after := range []uint64{0, xa[0].ID, xa[1].ID - 1, xa[1].ID, xa[1500].ID + 1, xa[n-2].ID, xa[n-1].ID} {
		var got []uint64
		for from := after; ; {
			page, err := s.RequestsPage(xa[0].SessionID, from, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range page {
				got = append(got, x.ID)
			}
			if len(page) < 7 {
				break
			}
			from = page[len(page)-1].ID
		}
		var want []uint64
		for _, x := range xa {
			if x.ID > after {
				want = append(want, x.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("paging after %d: got %d ids, want %d", after, len(got), len(want))
		}
	}
	ids, err := s.ExchangeIDsWith("ip", "198.51.100.2", "")
	if err != nil || len(ids) != n || ids[0] != xb[0].ID || ids[n-1] != xb[n-1].ID {
		t.Errorf("ip index lists %d ids (%v), want %d from %d", len(ids), err, n, xb[0].ID)
	}

	// Drop every third request of b, and a's first and last.
	dropped := map[uint64]bool{xa[0].ID: true, xa[n-1].ID: true}
	err = s.db.Update(func(tx *bolt.Tx) error {
		ix := s.indexer()
		g, err := ix.current(tx)
		if err != nil {
			return err
		}
		w := newGenWriter(ix, g)
		for i, x := range slices.Concat(xa, xb) {
			if x != xa[0] && x != xa[n-1] && (x.SessionID != xb[0].SessionID || i%3 != 0) {
				continue
			}
			dropped[x.ID] = true
			if err := w.unassign(x, assignment{sessionID: x.SessionID, keyPoint: x.KeyPoint}); err != nil {
				return err
			}
		}
		return w.flush()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sid := range []string{xa[0].SessionID, xb[0].SessionID} {
		var want []uint64
		for _, x := range slices.Concat(xa, xb) {
			if x.SessionID == sid && !dropped[x.ID] {
				want = append(want, x.ID)
			}
		}
		got, err := s.RequestsPage(sid, 0, 2*n)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []uint64
		for _, x := range got {
			gotIDs = append(gotIDs, x.ID)
		}
		if !slices.Equal(gotIDs, want) {
			t.Errorf("session %s after the drop: %d requests, want %d", sid, len(gotIDs), len(want))
		}
		ips, err := s.ExchangeIDsWith("ip", got[0].ClientIP, sid)
		if err != nil || !slices.Equal(ips, want) {
			t.Errorf("ip index of session %s after the drop: %d ids (%v), want %d", sid, len(ips), err, len(want))
		}
	}
}
