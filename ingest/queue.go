package ingest

import (
	"sync"
	"sync/atomic"

	"github.com/spoorhq/spoor/engine"
)

// DefaultQueueSize is how many exchanges may wait for analysis before new
// ones are dropped.
const DefaultQueueSize = 65536

// Queue is a bounded in-process queue of exchanges. Offer never blocks: when
// the queue is full the exchange is dropped and counted, so the proxy never
// waits for analysis.
type Queue struct {
	ch       chan *engine.Exchange
	mu       sync.RWMutex // guards closed against a send on a closed channel
	closed   bool
	accepted atomic.Uint64
	dropped  atomic.Uint64
}

// NewQueue returns a queue holding at most size exchanges.
func NewQueue(size int) *Queue {
	if size <= 0 {
		size = DefaultQueueSize
	}
	return &Queue{ch: make(chan *engine.Exchange, size)}
}

// Offer enqueues x without blocking and reports whether it was accepted.
func (q *Queue) Offer(x *engine.Exchange) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		q.dropped.Add(1)
		return false
	}
	select {
	case q.ch <- x:
		q.accepted.Add(1)
		return true
	default:
		q.dropped.Add(1)
		return false
	}
}

// C is the receiving end, closed after Close once drained.
func (q *Queue) C() <-chan *engine.Exchange { return q.ch }

// Close stops accepting exchanges; those already queued stay readable.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
}

// Accepted is the number of exchanges queued so far.
func (q *Queue) Accepted() uint64 { return q.accepted.Load() }

// Dropped is the number of exchanges refused because the queue was full or
// closed.
func (q *Queue) Dropped() uint64 { return q.dropped.Load() }

// Len is the number of exchanges waiting.
func (q *Queue) Len() int { return len(q.ch) }
