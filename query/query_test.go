package query

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// testStore writes n exchanges from 40 actors, a few seconds apart.
func testStore(t *testing.T, n int) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "q.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var recs []ingest.Record
	for i := range n {
		actor := i * 7 % 40
		x := &engine.Exchange{
			Start: at.Add(time.Duration(i) * 3 * time.Second), ClientIP: fmt.Sprintf("10.0.0.%d", actor),
			Method: "GET", Host: "api.test", Path: fmt.Sprintf("/items/%d", i%9),
			Status:     []int{200, 404, 200, 500}[(i/3)%4],
			ReqHeaders: []engine.Header{{Name: "User-Agent", Value: fmt.Sprintf("c/%d", actor)}},
		}
		sess := a.Process(x)
		recs = append(recs, ingest.Record{Exchange: x, Session: &sess})
	}
	if err := st.Write(recs); err != nil {
		t.Fatal(err)
	}
	return st
}

func mustParse(t *testing.T, expr string) *filter.Filter {
	t.Helper()
	f, err := filter.Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSessionsStopsAtTheLimit(t *testing.T) {
	st := testStore(t, 400)
	want, err := st.Sessions(3)
	if err != nil {
		t.Fatal(err)
	}
	got, stats, err := CollectSessions(context.Background(), st, Options{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, func(a, b engine.Session) bool { return a.ID == b.ID }) {
		t.Fatalf("got %d sessions, want the 3 newest", len(got))
	}
	if stats.Scanned != 3 || stats.Partial || stats.Plan != "walk last_seen" {
		t.Fatalf("stats %+v: want 3 scanned by a walk, complete", stats)
	}
}

func TestSessionsSaysWhenABoundCutsItShort(t *testing.T) {
	st := testStore(t, 400)
	// A path term needs every session's requests, and no index narrows it.
	_, stats, err := CollectSessions(context.Background(), st, Options{Filter: mustParse(t, "path:/nowhere"), MaxScan: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Partial || stats.Scanned != 5 || stats.Total != 40 {
		t.Fatalf("stats %+v: want partial, 5 scanned of 40", stats)
	}
	if s := stats.String(); s != "scanned 5 of 40 (walk last_seen), partial" {
		t.Fatalf("stats read %q", s)
	}
}

func TestSessionsSortedByRequests(t *testing.T) {
	st := testStore(t, 400)
	all, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	f := mustParse(t, "status:5xx")
	var want []string
	slices.SortStableFunc(all, func(a, b engine.Session) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), b.LastSeen.Compare(a.LastSeen), cmp.Compare(b.ID, a.ID))
	})
	for i := range all {
		if f.MatchSession(&all[i]) {
			want = append(want, all[i].ID)
		}
	}
	got, stats, err := CollectSessions(context.Background(), st, Options{Filter: f, Sort: ByRequests, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(got))
	for i := range got {
		ids[i] = got[i].ID
	}
	if !slices.Equal(ids, want[:4]) || stats.Plan != "index status" {
		t.Fatalf("got %v (%v), want %v", ids, stats, want[:4])
	}
}

func TestRequestsStreamToTheLimit(t *testing.T) {
	st := testStore(t, 400)
	got, stats, err := CollectRequests(context.Background(), st, RequestOptions{Filter: mustParse(t, "status:404"), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || stats.Scanned != 5 {
		t.Fatalf("got %d requests, %d scanned: want 5 and 5 (every 4xx candidate is a 404)", len(got), stats.Scanned)
	}
	for i, x := range got {
		if x.Status != 404 || i > 0 && x.ID <= got[i-1].ID {
			t.Fatalf("request %d: status %d id %d, want 404s in capture order", i, x.Status, x.ID)
		}
	}
}

func TestSessionsBoundRequestReads(t *testing.T) {
	st := testStore(t, 400)
	_, stats, err := CollectSessions(context.Background(), st, Options{Filter: mustParse(t, "path:/nowhere"), MaxRequestReads: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !stats.Partial || stats.RequestReads != 3 {
		t.Fatalf("stats %+v: want partial after 3 sessions' requests", stats)
	}
}
