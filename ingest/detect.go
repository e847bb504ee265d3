package ingest

import (
	"sync"
	"sync/atomic"

	"github.com/spoorhq/spoor/engine"
)

// Detector tags attacks on a clear exchange (before analysis hashes its
// credentials). backlog is how many exchanges wait behind this one, so a
// detector can shed expensive checks when analysis falls behind. It must be
// safe for concurrent use.
type Detector interface {
	Detect(x *engine.Exchange, backlog int)
}

const (
	// stageWindow is how many exchanges the detection stage holds per
	// worker: how far workers may run ahead of the slowest exchange.
	stageWindow = 64
	// stageBatch is the most exchanges one hand-off between the stage's
	// goroutines carries.
	stageBatch = 16
)

// DetectStage runs d over src on several workers and returns the exchanges
// in their original order, so sessions still see requests in the order they
// arrived. The returned channel closes after src closes and every exchange
// has been handed on. queued reports how many exchanges wait before the
// stage (the capture queue), added to the stage's own backlog.
//
// Exchanges travel through the stage in batches of those src holds ready,
// so that an import, whose source is always full, pays the channel
// operations and wake-ups of a hand-off once per batch rather than once
// per exchange, while a live capture's lone request still goes on alone at
// once. The batches are made once and reused.
func DetectStage(src <-chan *engine.Exchange, d Detector, workers int, queued func() int) <-chan *engine.Exchange {
	s := newDetectStage(d, max(workers, 1), queued)
	out := make(chan *engine.Exchange, s.workers*stageWindow)
	go s.dispatch(src)
	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(s.detect)
	}
	go func() {
		defer close(out)
		s.deliver(out)
		wg.Wait()
	}()
	return out
}

// detectBatch is a run of consecutive exchanges that one worker detects
// and the stage hands on together.
type detectBatch struct {
	xs   []*engine.Exchange
	done chan struct{} // receives once when the batch is detected
}

// detectStage is the state DetectStage's goroutines share. Each batch
// goes from free to the dispatcher, which sends it to both todo (for a
// worker) and order (for delivery in arrival order), and back to free once
// delivered: as there are only so many batches, the stage holds at most
// stageWindow exchanges per worker.
type detectStage struct {
	d       Detector
	workers int
	queued  func() int
	// waiting counts the exchanges taken from the source that no worker has
	// started on: the stage's own backlog.
	waiting atomic.Int64
	free    chan *detectBatch
	todo    chan *detectBatch // for the workers
	order   chan *detectBatch // the same, for delivery
}

func newDetectStage(d Detector, workers int, queued func() int) *detectStage {
	n := workers * stageWindow / stageBatch
	s := &detectStage{
		d:       d,
		workers: workers,
		queued:  queued,
		free:    make(chan *detectBatch, n),
		todo:    make(chan *detectBatch, n),
		order:   make(chan *detectBatch, n),
	}
	for range n {
		s.free <- &detectBatch{xs: make([]*engine.Exchange, 0, stageBatch), done: make(chan struct{}, 1)}
	}
	return s
}

// dispatch batches src for the workers until src closes.
func (s *detectStage) dispatch(src <-chan *engine.Exchange) {
	defer close(s.todo)
	defer close(s.order)
	for x := range src {
		b := <-s.free
		b.xs = s.takeReady(append(b.xs[:0], x), src)
		s.waiting.Add(int64(len(b.xs)))
		s.order <- b
		s.todo <- b
	}
}

// takeReady appends to xs the exchanges src holds ready, without waiting
// for more. It takes no more than a worker's share of them, so that a
// burst in a live capture still spreads across the workers.
func (s *detectStage) takeReady(xs []*engine.Exchange, src <-chan *engine.Exchange) []*engine.Exchange {
	n := min(stageBatch, len(xs)+len(src)/s.workers)
	for len(xs) < n {
		select {
		case x, ok := <-src:
			if !ok {
				return xs
			}
			xs = append(xs, x)
		default:
			return xs
		}
	}
	return xs
}

// detect detects the exchanges of each batch in turn.
func (s *detectStage) detect() {
	for b := range s.todo {
		for _, x := range b.xs {
			backlog := int(s.waiting.Add(-1))
			if s.queued != nil {
				backlog += s.queued()
			}
			s.d.Detect(x, backlog)
		}
		b.done <- struct{}{}
	}
}

// deliver hands on the exchanges of each batch, in arrival order, once the
// batch is detected, and frees the batch.
func (s *detectStage) deliver(out chan<- *engine.Exchange) {
	for b := range s.order {
		<-b.done
		for _, x := range b.xs {
			out <- x
		}
		clear(b.xs) // the exchanges are the reader's now
		s.free <- b
	}
}
