package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// record builds what the pipeline hands the store, without the engine, so
// that a test controls every indexed value.
func record(id string, start time.Time, ip, path string, status int, sess engine.Session) ingest.Record {
	x := &engine.Exchange{Start: start, ClientIP: ip, Method: "GET", Path: path, Status: status, SessionID: id, KeyPoint: "req.ip"}
	if path == "/login" {
		x.Flows = []string{"Auth"}
		x.Attacks = []engine.AttackTag{{Type: "sqli", Point: "req.form.user", Rule: "libinjection-sqli"}}
	}
	sess.ID, sess.KeyPoint, sess.LastSeen = id, "req.ip", start
	return ingest.Record{Exchange: x, Session: &sess}
}

func TestIndexLookups(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	alice := engine.Session{User: "alice", Attacks: map[string]int{"sqli": 1}}
	bot := engine.Session{Abuse: []engine.Verdict{{Type: "scraping", Confidence: 0.9}}}
	batch := []ingest.Record{
		record("a-1", t0, "192.0.2.1", "/users/1", 200, alice),
		record("a-1", t0.Add(time.Second), "192.0.2.1", "/users/2", 404, alice),
		record("b-1", t0.Add(2*time.Second), "192.0.2.2", "/login", 500, bot),
		record("c-1", t0.Add(3*time.Second), "192.0.2.1", "/users/3", 503, engine.Session{}),
	}
	if err := s.Write(batch); err != nil {
		t.Fatal(err)
	}
	sessions := []struct {
		field, value string
		want         []string
	}{
		{"ip", "192.0.2.1", []string{"a-1", "c-1"}},
		{"ip", "192.0.2.9", nil},
		{"status", "5xx", []string{"b-1", "c-1"}},
		{"status", "4xx", []string{"a-1"}},
		{"endpoint", "/users/{id}", []string{"a-1", "c-1"}},
		{"flow", "Auth", []string{"b-1"}},
		{"user", "alice", []string{"a-1"}},
		{"attack", "sqli", []string{"a-1"}},
		{"abuse", "scraping", []string{"b-1"}},
	}
	for _, q := range sessions {
		t.Run(q.field+":"+q.value, func(t *testing.T) {
			got, err := s.SessionIDsWith(q.field, q.value)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, q.want) {
				t.Errorf("sessions = %v, want %v", got, q.want)
			}
		})
	}
	ids, err := s.ExchangeIDsWith("status", "5xx", "")
	if err != nil || !slices.Equal(ids, []uint64{3, 4}) {
		t.Errorf("5xx requests = %v, %v; want [3 4]", ids, err)
	}
	ids, err = s.ExchangeIDsWith("ip", "192.0.2.1", "a-1")
	if err != nil || !slices.Equal(ids, []uint64{1, 2}) {
		t.Errorf("requests of a-1 from 192.0.2.1 = %v, %v; want [1 2]", ids, err)
	}
	ids, err = s.ExchangeIDsWith("attack", "sqli", "")
	if err != nil || !slices.Equal(ids, []uint64{3}) {
		t.Errorf("sqli requests = %v, %v; want [3]", ids, err)
	}
	if _, err := s.SessionIDsWith("method", "GET"); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("unindexed field: err = %v, want ErrNotIndexed", err)
	}
	if _, err := s.ExchangeIDsWith("user", "alice", ""); !errors.Is(err, ErrNotIndexed) {
		t.Errorf("session-level field per request: err = %v, want ErrNotIndexed", err)
	}

	// A later batch that changes what a session says replaces its
	// entries rather than adding to them.
	changed := engine.Session{User: "alice2", Abuse: nil}
	if err := s.Write([]ingest.Record{record("b-1", t0.Add(time.Minute), "192.0.2.2", "/x", 200, changed)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SessionIDsWith("abuse", "scraping"); len(got) != 0 {
		t.Errorf("stale abuse entry: %v", got)
	}
	if got, _ := s.SessionIDsWith("user", "alice2"); !slices.Equal(got, []string{"b-1"}) {
		t.Errorf("user alice2 = %v", got)
	}
	if err := s.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
}

// TestLongValuesIndexByPrefix checks that a value longer than the index
// keeps is found by its prefix, and that any byte may appear in a value.
func TestLongValuesIndexByPrefix(t *testing.T) {
	s := openTemp(t, Options{})
	long := "/" + string(make([]byte, 3*maxIndexValue)) + "tail"
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	if err := s.Write([]ingest.Record{record("a-1", t0, "192.0.2.1", long, 200, engine.Session{})}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionIDsWith("endpoint", long)
	if err != nil || !slices.Equal(got, []string{"a-1"}) {
		t.Errorf("sessions with a long endpoint = %v, %v", got, err)
	}
}

// TestSessionsPage pages through more sessions than one page holds, newest
// first, and checks that Sessions reads the same order.
func TestSessionsPage(t *testing.T) {
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
	var paged []string
	var token PageToken
	pages := 0
	for {
		page, next, err := s.SessionsPage(token, 1000)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sess := range page {
			paged = append(paged, sess.ID)
		}
		if next == "" {
			break
		}
		token = next
	}
	if pages != 3 || len(paged) != n {
		t.Fatalf("%d pages, %d sessions; want 3 pages of %d sessions", pages, len(paged), n)
	}
	for i := 1; i < n; i++ {
		if paged[i-1] <= paged[i] {
			t.Fatalf("session %s listed before %s: want newest (then highest id) first", paged[i-1], paged[i])
		}
	}
	all, err := s.Sessions(0)
	if err != nil || len(all) != n || all[0].ID != paged[0] || all[n-1].ID != paged[n-1] {
		t.Errorf("Sessions(0) = %d sessions, %v", len(all), err)
	}
	first, err := s.Sessions(10)
	if err != nil || len(first) != 10 || first[9].ID != paged[9] {
		t.Errorf("Sessions(10) = %d sessions, %v", len(first), err)
	}
}
