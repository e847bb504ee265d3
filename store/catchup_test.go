package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

var catchUpT0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// runPipeline runs a real pipeline into s and returns its source and a
// function that closes the source and waits for the last commit.
func runPipeline(t *testing.T, s *Store) (*ingest.Pipeline, chan<- *engine.Exchange, func()) {
	t.Helper()
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	p := ingest.NewPipeline(a, s, ingest.Options{MaxDelay: 5 * time.Millisecond})
	// Unbuffered, so that a send returns once analysis took the exchange
	// and a later Do waits for its commit.
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	return p, src, func() {
		close(src)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// committed waits until everything sent to p so far is committed.
func committed(t *testing.T, p *ingest.Pipeline) {
	t.Helper()
	if err := p.Do(func(*engine.Analyzer) (*engine.Analyzer, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
}

// TestCatchUpQueueAndLateTags stores exchanges the Core Rule Set has yet
// to check, reads the queue in priority order, and amends them through
// the pipeline: a late tag reaches the stored exchange, the attack index
// and the counts of its session, whether the analyzer still holds the
// session open or evicted it, and a later batch of the open session keeps
// it. The store's checks (openTemp's cleanup) pass after the amendments.
func TestCatchUpQueueAndLateTags(t *testing.T) {
	s := openTemp(t, Options{})
	p, src, stop := runPipeline(t, s)
	pending := engine.ExaminedTier1 | engine.ExaminedCRSPending
	sqli := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli"}
	// Actor A, an hour before B: its session is evicted once B's batch is
	// analysed. A's first exchange is clean, its second flagged by the
	// prefilter, B's first tagged by tier 1 and its second checked at once.
	a1 := exchange(catchUpT0, "10.0.0.1", "/a1", 200)
	a1.Examined = pending
	a2 := exchange(catchUpT0.Add(time.Second), "10.0.0.1", "/a2", 200)
	a2.Examined = pending | engine.ExaminedSuspect
	b1 := exchange(catchUpT0.Add(time.Hour), "10.0.0.2", "/b1", 200)
	b1.Examined, b1.Attacks = pending, []engine.AttackTag{sqli}
	b2 := exchange(catchUpT0.Add(time.Hour+time.Second), "10.0.0.2", "/b2", 200)
	b2.Examined = engine.ExaminedTier1 | engine.ExaminedCRS
	for _, x := range []*engine.Exchange{a1, a2} {
		src <- x
	}
	committed(t, p)
	for _, x := range []*engine.Exchange{b1, b2} {
		src <- x
	}
	committed(t, p)
	if n := s.PendingCRS(); n != 3 {
		ids, _ := s.NextPendingCRS(10)
		t.Fatalf("PendingCRS = %d, want 3 (%v; %v %v %v)", n, ids, a1.Examined.Names(), a2.Examined.Names(), b1.Examined.Names())
	}
	ids, err := s.NextPendingCRS(10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint64{a2.ID, a1.ID, b1.ID}; !slices.Equal(ids, want) {
		t.Fatalf("queue order %v, want %v (flagged, clean, tagged)", ids, want)
	}

	// The late checks, as the catch-up worker makes them from stored
	// copies: XSS found in a1 (closed session) and b1 (open session),
	// nothing in a2, and one exchange retention deleted (id 999).
	xss := engine.AttackTag{Type: engine.AttackXSS, Point: "req.path", Rule: "crs-941100"}
	var checks []ingest.Late
	for _, id := range ids {
		x, ok, err := s.PendingExchange(id)
		if err != nil || !ok {
			t.Fatalf("PendingExchange(%d) = %v, %v", id, ok, err)
		}
		var added []engine.AttackTag
		if id != a2.ID {
			added = []engine.AttackTag{xss}
		}
		x.Attacks = append(x.Attacks, added...)
		x.Examined = x.Examined.Checked()
		checks = append(checks, ingest.Late{Exchange: &x, Added: added})
	}
	checks = append(checks, ingest.Late{Exchange: &engine.Exchange{ID: 999}})
	if err := p.Amend(context.Background(), checks); err != nil {
		t.Fatal(err)
	}
	if n := s.PendingCRS(); n != 0 {
		t.Errorf("PendingCRS after the amendment = %d, want 0", n)
	}
	if ids, _ := s.NextPendingCRS(10); len(ids) != 0 {
		t.Errorf("queue after the amendment: %v", ids)
	}
	// B's open session gets another exchange: its summary, rewritten from
	// memory, must keep the late tag.
	b3 := exchange(catchUpT0.Add(time.Hour+2*time.Second), "10.0.0.2", "/b3", 200)
	b3.Examined = engine.ExaminedTier1 | engine.ExaminedCRS
	src <- b3
	stop()

	for _, tt := range []struct {
		x     *engine.Exchange
		types []string
	}{
		{a1, []string{"xss"}}, {a2, nil}, {b1, []string{"sqli", "xss"}}, {b2, nil},
	} {
		got, err := s.Exchange(tt.x.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, a := range got.Attacks {
			types = append(types, a.Type)
		}
		if !slices.Equal(types, tt.types) {
			t.Errorf("%s: attacks %v, want %v", got.Path, types, tt.types)
		}
		if want := []string{"tier1", "crs"}; !slices.Equal(got.Examined.Names(), want) {
			t.Errorf("%s: examined %v, want %v", got.Path, got.Examined.Names(), want)
		}
		if tt.x.Examined.Has(engine.ExaminedSuspect) && got.Examined.Has(engine.ExaminedSuspect) {
			t.Errorf("%s: the prefilter's hint outlived the check", got.Path)
		}
	}
	for _, c := range []struct {
		x     *engine.Exchange
		want  map[string]int
		total int
	}{
		{a1, map[string]int{"xss": 1}, 2},
		{b1, map[string]int{"sqli": 1, "xss": 1}, 3},
	} {
		sess, err := s.Session(c.x.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sess.Attacks) != len(c.want) || sess.Requests != c.total {
			t.Errorf("session %s: attacks %v, %d requests; want %v, %d", sess.ID, sess.Attacks, sess.Requests, c.want, c.total)
		}
		for k, n := range c.want {
			if sess.Attacks[k] != n {
				t.Errorf("session %s: attacks %v, want %v", sess.ID, sess.Attacks, c.want)
			}
		}
		got, err := s.ExchangeIDsWith("attack", "xss", c.x.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []uint64{c.x.ID}) {
			t.Errorf("attack index xss of %s: %v, want [%d]", c.x.SessionID, got, c.x.ID)
		}
	}
}

// TestCatchUpQueueBoundAndRestart checks that an exchange finding the
// queue full is stored as not checked, counted, and never as clean, and
// that the queue survives reopening the store.
func TestCatchUpQueueBoundAndRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spoor.db")
	s, err := Open(path, Options{CRSQueue: 2})
	if err != nil {
		t.Fatal(err)
	}
	var xs []*engine.Exchange
	for i := range 3 {
		x := exchange(catchUpT0.Add(time.Duration(i)*time.Second), "10.0.0.1", "/p", 200)
		x.Examined = engine.ExaminedTier1 | engine.ExaminedCRSPending
		xs = append(xs, x)
	}
	if err := s.Write(analyse(s, xs...)); err != nil {
		t.Fatal(err)
	}
	if s.PendingCRS() != 2 || s.CRSOverflow() != 1 {
		t.Errorf("pending %d, overflow %d; want 2, 1", s.PendingCRS(), s.CRSOverflow())
	}
	third, err := s.Exchange(xs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tier1", "off"}; !slices.Equal(third.Examined.Names(), want) {
		t.Errorf("overflowed exchange examined %v, want %v", third.Examined.Names(), want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path, Options{CRSQueue: 2})
	if n := s.PendingCRS(); n != 2 {
		t.Errorf("after reopening, PendingCRS = %d, want 2", n)
	}
	ids, err := s.NextPendingCRS(10)
	if err != nil || !slices.Equal(ids, []uint64{xs[0].ID, xs[1].ID}) {
		t.Errorf("after reopening, queue %v, %v", ids, err)
	}
	// While a regroup reads the log, the queue lists nothing, so that no
	// late tag lands behind the regroup's reading.
	r, err := s.StartRegroup(engine.NewSessionizer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret())), RegroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := s.NextPendingCRS(10); err != nil || len(ids) != 0 {
		t.Errorf("during a regroup, queue %v, %v; want nothing", ids, err)
	}
	r.Abort()
	if ids, _ := s.NextPendingCRS(10); len(ids) != 2 {
		t.Errorf("after the regroup, queue %v; want both again", ids)
	}
}

// analyzerGrouper regroups with a whole analyzer, which counts attack
// tags, as spoor's live regroup does.
type analyzerGrouper struct{ a *engine.Analyzer }

func (g analyzerGrouper) Assign(x *engine.Exchange) *engine.Session {
	s := g.a.Process(x)
	return &s
}

func (g analyzerGrouper) Evict(now time.Time) int { return g.a.Sessionizer().Evict(now) }

// blockedLate is a late detector that tags every exchange with XSS once
// release is closed, and says on entered that a check has begun.
type blockedLate struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blockedLate) CheckLate(ctx context.Context, x *engine.Exchange) ([]engine.AttackTag, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	added := []engine.AttackTag{{Type: engine.AttackXSS, Point: "req.path", Rule: "crs-941100"}}
	x.Attacks = append(x.Attacks, added...)
	x.Examined = x.Examined.Checked()
	return added, nil
}

// TestRegroupWaitsForLateChecksInFlight starts a regroup while a chunk of
// late checks is being checked: the regroup must not read the log before
// the chunk's amendments are committed, or the late tag would be missing
// from the new grouping's session counts and attack index.
func TestRegroupWaitsForLateChecksInFlight(t *testing.T) {
	s := openTemp(t, Options{})
	p, src, stop := runPipeline(t, s)
	x := exchange(catchUpT0, "10.0.0.1", "/a", 200)
	x.Examined = engine.ExaminedTier1 | engine.ExaminedCRSPending
	src <- x
	committed(t, p)

	ctx, cancel := context.WithCancel(context.Background())
	d := &blockedLate{entered: make(chan struct{}, 1), release: make(chan struct{})}
	catchUp := make(chan error, 1)
	go func() { catchUp <- ingest.RunCatchUp(ctx, s, d, p, ingest.CatchUpOptions{Idle: time.Millisecond}) }()
	<-d.entered

	g := analyzerGrouper{engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))}
	read := make(chan struct{})
	regrouped := make(chan error, 1)
	go func() {
		r, err := s.StartRegroup(g, RegroupOptions{})
		if err != nil {
			regrouped <- err
			return
		}
		err = r.CatchUp(context.Background())
		close(read)
		if err == nil {
			err = p.Do(func(*engine.Analyzer) (*engine.Analyzer, error) { return g.a, r.Finish() })
		}
		r.Abort()
		regrouped <- err
	}()
	// Let the regroup read the log if it does not wait (the flaw this
	// guards against), then let the check end.
	select {
	case <-read:
	case <-time.After(200 * time.Millisecond):
	}
	close(d.release)
	if err := <-regrouped; err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-catchUp; err != nil {
		t.Fatal(err)
	}
	stop()

	got, err := s.Exchange(x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Attacks) != 1 {
		t.Fatalf("stored exchange attacks %v, want the late xss", got.Attacks)
	}
	sess, err := s.Session(got.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Attacks["xss"] != 1 {
		t.Errorf("regrouped session attacks %v, want xss: 1", sess.Attacks)
	}
	ids, err := s.ExchangeIDsWith("attack", "xss", got.SessionID)
	if err != nil || !slices.Equal(ids, []uint64{x.ID}) {
		t.Errorf("regrouped attack index xss: %v, %v; want [%d]", ids, err, x.ID)
	}
}
