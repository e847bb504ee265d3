package ingest

import (
	"sync"

	"github.com/spoorhq/spoor/engine"
)

// Detector tags attacks on a clear exchange (before analysis hashes its
// credentials). backlog is how many exchanges wait behind this one, so a
// detector can shed expensive checks when analysis falls behind. It must be
// safe for concurrent use.
type Detector interface {
	Detect(x *engine.Exchange, backlog int)
}

// DetectStage runs d over src on several workers and returns the exchanges
// in their original order, so sessions still see requests in the order they
// arrived. The returned channel closes after src closes and every exchange
// has been handed on. queued reports how many exchanges wait before the
// stage (the capture queue), added to the stage's own backlog.
func DetectStage(src <-chan *engine.Exchange, d Detector, workers int, queued func() int) <-chan *engine.Exchange {
	if workers < 1 {
		workers = 1
	}
	type task struct {
		x    *engine.Exchange
		done chan *engine.Exchange
	}
	// window bounds how far workers may run ahead of the slowest exchange.
	window := workers * 64
	work := make(chan task, window)
	order := make(chan chan *engine.Exchange, window)
	out := make(chan *engine.Exchange, window)

	go func() {
		defer close(work)
		defer close(order)
		for x := range src {
			t := task{x: x, done: make(chan *engine.Exchange, 1)}
			order <- t.done
			work <- t
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				backlog := len(work)
				if queued != nil {
					backlog += queued()
				}
				d.Detect(t.x, backlog)
				t.done <- t.x
			}
		}()
	}
	go func() {
		defer close(out)
		for done := range order {
			out <- <-done
		}
		wg.Wait()
	}()
	return out
}
