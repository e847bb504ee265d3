package ingest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// slowDetector takes longer on even exchanges, so workers finish out of
// order, and records the backlog it was offered.
type slowDetector struct{ maxBacklog atomic.Int64 }

func (d *slowDetector) Detect(x *engine.Exchange, backlog int) {
	if x.ID%2 == 0 {
		time.Sleep(time.Millisecond)
	}
	x.Attacks = []engine.AttackTag{{Type: engine.AttackSQLi, Point: "req.path"}}
	if int64(backlog) > d.maxBacklog.Load() {
		d.maxBacklog.Store(int64(backlog))
	}
}

func TestDetectStageKeepsOrder(t *testing.T) {
	const n = 500
	src := make(chan *engine.Exchange, n)
	for i := range n {
		src <- &engine.Exchange{ID: uint64(i)}
	}
	close(src)
	d := &slowDetector{}
	out := DetectStage(src, d, 4, func() int { return 7 })
	next := uint64(0)
	for x := range out {
		if x.ID != next {
			t.Fatalf("got exchange %d, want %d: the stage must keep arrival order", x.ID, next)
		}
		if len(x.Attacks) != 1 {
			t.Fatalf("exchange %d was not detected", x.ID)
		}
		next++
	}
	if next != n {
		t.Fatalf("stage passed %d exchanges, want %d", next, n)
	}
	if d.maxBacklog.Load() < 7 {
		t.Errorf("max backlog offered %d, want at least the queued 7", d.maxBacklog.Load())
	}
}

// noDetector detects nothing, so that a benchmark measures the stage.
type noDetector struct{}

func (noDetector) Detect(*engine.Exchange, int) {}

// BenchmarkDetectStage measures what the stage itself costs an exchange:
// a source fed as fast as an import feeds it, a detector that does
// nothing, and a reader that takes everything.
func BenchmarkDetectStage(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			xs := make([]engine.Exchange, 1024)
			b.ReportAllocs()
			src := make(chan *engine.Exchange, 1024)
			go func() {
				defer close(src)
				for i := range b.N {
					src <- &xs[i%len(xs)]
				}
			}()
			n := 0
			for range DetectStage(src, noDetector{}, workers, nil) {
				n++
			}
			if n != b.N {
				b.Fatalf("stage passed %d exchanges, want %d", n, b.N)
			}
		})
	}
}

// TestDetectStageHandsOnALoneExchange checks that the stage never waits
// for more exchanges to fill a batch: a live capture's request goes on at
// once.
func TestDetectStageHandsOnALoneExchange(t *testing.T) {
	src := make(chan *engine.Exchange)
	defer close(src)
	out := DetectStage(src, &slowDetector{}, 2, nil)
	for i := range 3 {
		src <- &engine.Exchange{ID: uint64(i)}
		select {
		case x := <-out:
			if x.ID != uint64(i) {
				t.Fatalf("got exchange %d, want %d", x.ID, i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("exchange %d was held back waiting for others", i)
		}
	}
}
