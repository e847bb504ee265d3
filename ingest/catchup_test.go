package ingest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// fakeQueue is a catch-up queue over a map of stored exchanges; the
// writer it wraps takes an exchange off the queue when a late record for
// it is written, as the store does in the commit.
type fakeQueue struct {
	mu      sync.Mutex
	queued  []uint64
	stored  map[uint64]engine.Exchange
	batches [][]Record
}

func (q *fakeQueue) NextPendingCRS(limit int) ([]uint64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.queued[:min(limit, len(q.queued))]), nil
}

func (q *fakeQueue) PendingExchange(id uint64) (engine.Exchange, bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	x, ok := q.stored[id]
	return x, ok, nil
}

func (q *fakeQueue) HoldLate() (func(), bool) { return func() {}, true }

func (q *fakeQueue) Write(b []Record) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.batches = append(q.batches, slices.Clone(b))
	for _, r := range b {
		if r.Late {
			q.queued = slices.DeleteFunc(q.queued, func(id uint64) bool { return id == r.Exchange.ID })
		}
	}
	return nil
}

// fakeLate tags every exchange whose path holds "attack" with XSS.
type fakeLate struct{}

func (fakeLate) CheckLate(_ context.Context, x *engine.Exchange) ([]engine.AttackTag, error) {
	var added []engine.AttackTag
	if x.Path == "/attack" {
		added = []engine.AttackTag{{Type: engine.AttackXSS, Point: "req.path", Rule: "crs-941100"}}
	}
	x.Attacks = append(x.Attacks, added...)
	x.Examined = x.Examined.Checked()
	return added, nil
}

// TestRunCatchUp drains a queue through a real pipeline (with a plain
// Writer, which gets a copy of each session): each queued
// exchange reaches the writer once as a late record with its tags and
// examination, one retention deleted is taken off the queue all the same,
// the session the analyzer holds open gets the late tag in its counts,
// and the worker reports the drain and stops with its context.
func TestRunCatchUp(t *testing.T) {
	q := &fakeQueue{stored: map[uint64]engine.Exchange{}}
	p := newTestPipeline(q, Options{MaxDelay: time.Millisecond})
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	// Two exchanges of one actor, analysed (so its session is open) and
	// then stored as pending with the ids a store would give them.
	var session *engine.Session
	for i, path := range []string{"/attack", "/clean"} {
		x := testExchange(i)
		x.Path, x.Examined = path, engine.ExaminedTier1|engine.ExaminedCRSPending
		src <- x
		id := uint64(i + 1)
		if err := p.Do(func(a *engine.Analyzer) (*engine.Analyzer, error) {
			session = a.Sessionizer().OpenSession(x.SessionID)
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		c := *x
		c.ID = id
		q.mu.Lock()
		q.stored[id], q.queued = c, append(q.queued, id)
		q.mu.Unlock()
	}
	q.mu.Lock()
	q.queued = append(q.queued, 99) // deleted by retention
	q.mu.Unlock()
	if session == nil {
		t.Fatal("the actor's session is not open")
	}

	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan int, 1)
	worker := make(chan error, 1)
	go func() {
		worker <- RunCatchUp(ctx, q, fakeLate{}, p, CatchUpOptions{Workers: 2, Chunk: 2, Idle: time.Millisecond,
			OnDrained: func(n int) {
				select {
				case drained <- n:
				default:
				}
			}})
	}()
	select {
	case n := <-drained:
		if n != 3 {
			t.Errorf("OnDrained(%d), want 3 checks", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the queue did not drain")
	}
	cancel()
	if err := <-worker; err != nil {
		t.Errorf("RunCatchUp: %v", err)
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	late := map[uint64]Record{}
	for _, b := range q.batches {
		for _, r := range b {
			if r.Late {
				if _, dup := late[r.Exchange.ID]; dup {
					t.Errorf("exchange %d amended twice", r.Exchange.ID)
				}
				late[r.Exchange.ID] = r
			}
		}
	}
	if len(late) != 3 {
		t.Fatalf("late records for %d exchanges, want 3", len(late))
	}
	if r := late[1]; len(r.Added) != 1 || r.Session == nil || r.Session.ID != session.ID || r.Session.Attacks[engine.AttackXSS] != 1 || !r.Exchange.Examined.Has(engine.ExaminedCRS) || r.Exchange.Examined.Pending() {
		t.Errorf("attack: late record %+v, want one added tag, its open session, examined crs", r)
	}
	if r := late[2]; len(r.Added) != 0 || r.Session != nil {
		t.Errorf("clean: late record %+v, want nothing added and no session to update", r)
	}
	if session.Attacks[engine.AttackXSS] != 1 {
		t.Errorf("open session's attacks %v, want the late xss", session.Attacks)
	}
}

// TestAmendAfterStop reports ErrStopped once the pipeline has returned.
func TestAmendAfterStop(t *testing.T) {
	p := newTestPipeline(&memWriter{}, Options{})
	src := make(chan *engine.Exchange)
	close(src)
	if err := p.Run(src); err != nil {
		t.Fatal(err)
	}
	err := p.Amend(context.Background(), []Late{{Exchange: &engine.Exchange{ID: 1}}})
	if !errors.Is(err, ErrStopped) {
		t.Errorf("Amend after Run returned: %v, want ErrStopped", err)
	}
}
