package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// clock is a hand-moved clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// actorTraffic is n exchanges of one actor (one cookie), a second apart.
func actorTraffic(start time.Time, ip, sid string, n int) []*engine.Exchange {
	xs := make([]*engine.Exchange, n)
	for i := range xs {
		x := exchange(start.Add(time.Duration(i)*time.Second), ip, "/items/"+sid, 200+i%2*204)
		x.ReqHeaders = []engine.Header{{Name: "User-Agent", Value: "curl/8"}, {Name: "Cookie", Value: "sid=" + sid}}
		xs[i] = x
	}
	return xs
}

// TestRetentionExpiresOldExchanges ages a store with an injected clock:
// what was committed before the cutoff goes, with its bodies, index entries
// and emptied sessions, in chunks; what came after stays; a session that
// spans the cutoff keeps its newer requests.
func TestRetentionExpiresOldExchanges(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := &clock{now: t0}
	s := openTemp(t, Options{Now: c.Now})
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	write := func(xs []*engine.Exchange) {
		t.Helper()
		var recs []ingest.Record
		for _, x := range xs {
			recs = append(recs, ingest.Record{Exchange: x, Session: a.Analyze(x)}) // written before the next Analyze
		}
		if err := s.Write(recs); err != nil {
			t.Fatal(err)
		}
	}

	// Old: 2,500 exchanges of an actor seen only then (three chunks).
	old := actorTraffic(t0, "198.51.100.1", "gone", 2*retentionChunk+500)
	write(old)
	// Spanning: one session whose first requests are committed with the
	// old ones' day and the rest two minutes later.
	c.advance(100 * time.Hour)
	spanStart := t0.Add(100 * time.Hour)
	span := actorTraffic(spanStart, "198.51.100.2", "span", 20)
	write(span[:10])
	c.advance(2 * time.Minute)
	write(span[10:])
	// Recent: an actor seen only recently.
	c.advance(50 * time.Hour)
	recent := actorTraffic(t0.Add(150*time.Hour), "198.51.100.3", "kept", 30)
	write(recent)

	// The cutoff falls between the spanning session's two commits.
	c.now = spanStart.Add(engine.DefaultRetention + time.Minute)
	removed, err := s.Expire(context.Background(), engine.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(old) + 10; removed != want {
		t.Errorf("removed %d exchanges, want %d", removed, want)
	}
	if err := s.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
	n, _, err := s.Count()
	if err != nil || n != 10+30 {
		t.Errorf("count = %d, %v; want 40", n, err)
	}
	if _, err := s.Exchange(old[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired exchange: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Session(old[0].SessionID); !errors.Is(err, ErrNotFound) {
		t.Errorf("emptied session: err = %v, want ErrNotFound", err)
	}
	for _, q := range []struct {
		field, value string
		want         int
	}{
		{"ip", "198.51.100.1", 0},
		{"ip", "198.51.100.2", 1},
		{"ip", "198.51.100.3", 1},
		{"endpoint", "/items/gone", 0},
		{"status", "2xx", 2},
	} {
		ids, err := s.SessionIDsWith(q.field, q.value)
		if err != nil || len(ids) != q.want {
			t.Errorf("sessions with %s:%s = %v, %v; want %d", q.field, q.value, ids, err, q.want)
		}
	}
	reqs, err := s.Requests(span[0].SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 10 || reqs[0].ID != span[10].ID {
		t.Errorf("spanning session keeps %d requests from %d, want 10 from %d", len(reqs), reqs[0].ID, span[10].ID)
	}
	sess, err := s.Session(span[0].SessionID)
	if err != nil || sess.Requests != 20 {
		t.Errorf("spanning session summary = %+v, %v; want the 20 requests it saw", sess, err)
	}

	// A second pass finds nothing more to do.
	if removed, err := s.Expire(context.Background(), engine.DefaultRetention); err != nil || removed != 0 {
		t.Errorf("second pass removed %d, %v", removed, err)
	}
}

// TestRunRetentionReports runs the background loop until it reports a
// pass, then stops it.
func TestRunRetentionReports(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := &clock{now: t0}
	s := openTemp(t, Options{Now: c.Now})
	if err := s.Write(analyse(s, actorTraffic(t0, "192.0.2.9", "x", 5)...)); err != nil {
		t.Fatal(err)
	}
	c.advance(2 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reported := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunRetention(ctx, time.Hour, time.Hour, func(n int, err error) {
			if err != nil {
				t.Error(err)
			}
			reported <- n
		})
	}()
	select {
	case n := <-reported:
		if n != 5 {
			t.Errorf("first pass removed %d, want 5", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no retention pass reported")
	}
	cancel()
	<-done
}
