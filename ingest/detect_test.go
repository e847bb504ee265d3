package ingest

import (
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
