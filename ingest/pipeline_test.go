package ingest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// memWriter keeps committed batches in memory. busy is set while Write
// runs, so a test can tell whether anything else ran meanwhile.
type memWriter struct {
	mu      sync.Mutex
	batches [][]Record
	busy    atomic.Bool
	delay   time.Duration
	fail    error
}

func (w *memWriter) Write(b []Record) error {
	w.busy.Store(true)
	defer w.busy.Store(false)
	time.Sleep(w.delay)
	if w.fail != nil {
		return w.fail
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.batches = append(w.batches, append([]Record(nil), b...)) // the pipeline reuses b
	return nil
}

func (w *memWriter) sizes() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []int
	for _, b := range w.batches {
		out = append(out, len(b))
	}
	return out
}

func testExchange(i int) *engine.Exchange {
	return &engine.Exchange{
		Start:    time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond),
		ClientIP: "192.0.2.1", Method: "GET", Path: "/", Status: 200,
	}
}

func newTestPipeline(w Writer, opts Options) *Pipeline {
	return NewPipeline(engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k"))), w, opts)
}

func TestPipelineBatchesBySizeAndFlushesOnClose(t *testing.T) {
	w := &memWriter{delay: 5 * time.Millisecond}
	var committed atomic.Int64
	p := newTestPipeline(w, Options{MaxBatch: 100, MaxDelay: time.Hour, OnCommit: func(n int) { committed.Add(int64(n)) }})
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	for i := range 250 {
		src <- testExchange(i)
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := w.sizes()
	if len(got) != 3 || got[0] != 100 || got[1] != 100 || got[2] != 50 {
		t.Errorf("batches %v, want [100 100 50]", got)
	}
	if committed.Load() != 250 {
		t.Errorf("OnCommit counted %d, want 250", committed.Load())
	}
	var ids []uint64
	for _, b := range w.batches {
		for _, r := range b {
			if r.Exchange.SessionID == "" || r.Session.ID != r.Exchange.SessionID {
				t.Fatalf("record not analysed: %+v", r)
			}
			ids = append(ids, uint64(r.Exchange.Start.UnixMilli()))
		}
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatal("batches committed out of order")
		}
	}
}

func TestPipelineCommitsAfterMaxDelay(t *testing.T) {
	w := &memWriter{}
	p := newTestPipeline(w, Options{MaxBatch: 1000, MaxDelay: 20 * time.Millisecond})
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	src <- testExchange(1)
	deadline := time.Now().Add(5 * time.Second)
	for len(w.sizes()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a lone exchange was not committed after MaxDelay")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestPipelineDoRunsBetweenBatches checks that Do's function sees every
// earlier exchange committed and no commit running, and that the analyzer
// it returns analyses what comes next.
func TestPipelineDoRunsBetweenBatches(t *testing.T) {
	w := &memWriter{delay: 2 * time.Millisecond}
	p := newTestPipeline(w, Options{MaxBatch: 10, MaxDelay: time.Hour})
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	for i := range 25 {
		src <- testExchange(i)
	}
	ipKeys, err := engine.NewKeyList([]string{"req.method"}, false)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Do(func(a *engine.Analyzer) (*engine.Analyzer, error) {
		if w.busy.Load() {
			t.Error("Do ran while a batch was being written")
		}
		n := 0
		for _, s := range w.sizes() {
			n += s
		}
		if n != 25 {
			t.Errorf("Do ran with %d of 25 exchanges committed", n)
		}
		return engine.NewAnalyzer(engine.SessionizerOptions{Keys: ipKeys}, engine.NewHasher([]byte("k"))), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src <- testExchange(100)
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last := w.batches[len(w.batches)-1]
	if kp := last[len(last)-1].Exchange.KeyPoint; kp != "req.method" {
		t.Errorf("exchange after Do grouped by %q, want the new analyzer's req.method", kp)
	}
	if err := p.Do(func(*engine.Analyzer) (*engine.Analyzer, error) { return nil, nil }); !errors.Is(err, ErrStopped) {
		t.Errorf("Do after Run: err = %v, want ErrStopped", err)
	}
}

func TestPipelineStopsOnWriteError(t *testing.T) {
	disk := errors.New("disk full")
	w := &memWriter{fail: disk}
	p := newTestPipeline(w, Options{MaxBatch: 1, MaxDelay: time.Hour})
	src := make(chan *engine.Exchange, 10)
	for i := range 10 {
		src <- testExchange(i)
	}
	close(src)
	if err := p.Run(src); !errors.Is(err, disk) {
		t.Errorf("err = %v, want the writer's", err)
	}
}

// prepWriter is a Preparer: Prepare copies the batch's exchanges, Commit
// records them. It notes whether a Prepare ever ran while a Commit did.
type prepWriter struct {
	memWriter
	committing atomic.Bool
	overlapped atomic.Bool
	prepared   atomic.Int64
}

type prepBatch struct {
	w  *prepWriter
	xs []Record
}

func (w *prepWriter) Prepare(b []Record) (Prepared, error) {
	if w.committing.Load() {
		w.overlapped.Store(true)
	}
	w.prepared.Add(1)
	return &prepBatch{w: w, xs: append([]Record(nil), b...)}, nil
}

func (p *prepBatch) Commit() error {
	p.w.committing.Store(true)
	defer p.w.committing.Store(false)
	time.Sleep(p.w.delay)
	p.w.mu.Lock()
	defer p.w.mu.Unlock()
	p.w.batches = append(p.w.batches, p.xs)
	return nil
}

// TestPipelinePreparesAheadOfCommits checks that a Preparer's batches are
// prepared on the analysis goroutine while the previous one commits, and
// committed whole and in order.
func TestPipelinePreparesAheadOfCommits(t *testing.T) {
	w := &prepWriter{memWriter: memWriter{delay: 20 * time.Millisecond}}
	p := newTestPipeline(w, Options{MaxBatch: 10, MaxDelay: time.Hour})
	src := make(chan *engine.Exchange)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	for i := range 100 {
		src <- testExchange(i)
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := w.sizes(); len(got) != 10 || w.prepared.Load() != 10 {
		t.Fatalf("committed batches %v after %d prepares, want 10 of 10", got, w.prepared.Load())
	}
	var last time.Time
	for _, b := range w.batches {
		for _, r := range b {
			if !r.Exchange.Start.After(last) {
				t.Fatalf("exchange at %v committed after one at %v", r.Exchange.Start, last)
			}
			last = r.Exchange.Start
		}
	}
	if !w.overlapped.Load() {
		t.Error("no batch was prepared while another committed")
	}
}

// TestPipelineBoundsUncommittedBatches feeds a writer slower than analysis
// and checks that analysis runs at most three batches ahead: the one being
// written, one queued and one gathering.
func TestPipelineBoundsUncommittedBatches(t *testing.T) {
	for _, w := range []Writer{&memWriter{delay: 20 * time.Millisecond}, &prepWriter{memWriter: memWriter{delay: 20 * time.Millisecond}}} {
		var committed atomic.Int64
		const batch = 10
		p := newTestPipeline(w, Options{MaxBatch: batch, MaxDelay: time.Hour, OnCommit: func(n int) { committed.Add(int64(n)) }})
		src := make(chan *engine.Exchange)
		done := make(chan error, 1)
		go func() { done <- p.Run(src) }()
		most := int64(0)
		for i := range 300 {
			src <- testExchange(i) // accepted by analysis once the send returns
			most = max(most, int64(i+1)-committed.Load())
		}
		close(src)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if most > 3*batch {
			t.Errorf("%T: analysis ran %d exchanges ahead of the commits, want at most %d", w, most, 3*batch)
		}
		if most <= 2*batch {
			t.Errorf("%T: analysis never ran more than %d ahead: the queue is not used", w, most)
		}
	}
}

// TestPipelineSkipsOutOfScopeButKeepsDeliveries checks that an
// out-of-scope exchange is neither analysed nor counted, but one a capture
// node published reaches the writer as a Skipped record holding only its
// delivery id, so that the store files it and the collector acks it.
func TestPipelineSkipsOutOfScopeButKeepsDeliveries(t *testing.T) {
	cfg := engine.DefaultConfig()
	cfg.Scope.ExcludePaths = []string{"/static/**"}
	a, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher([]byte("k")))
	if err != nil {
		t.Fatal(err)
	}
	w := &memWriter{}
	var committed atomic.Int64
	p := NewPipeline(a, w, Options{MaxBatch: 100, MaxDelay: time.Hour, OnCommit: func(n int) { committed.Add(int64(n)) }})
	src := make(chan *engine.Exchange, 3)
	done := make(chan error, 1)
	go func() { done <- p.Run(src) }()
	kept, collected, local := testExchange(1), testExchange(2), testExchange(3)
	collected.Path, collected.Delivery, collected.Host = "/static/app.js", "gw-a/1/2", "cdn.example.com"
	local.Path = "/static/app.css"
	src <- kept
	src <- collected
	src <- local
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(w.batches) != 1 || len(w.batches[0]) != 2 {
		t.Fatalf("batches %v, want one of 2 records", w.sizes())
	}
	r := w.batches[0][1]
	if !r.Skipped || r.Session != nil || r.Exchange.Delivery != "gw-a/1/2" || r.Exchange.Path != "" || r.Exchange.Host != "" {
		t.Errorf("out-of-scope record %+v (exchange %+v), want Skipped with the delivery id only", r, r.Exchange)
	}
	if committed.Load() != 1 {
		t.Errorf("OnCommit counted %d, want 1: a skipped exchange is not stored", committed.Load())
	}
}
