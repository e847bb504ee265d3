package importer

import (
	"container/heap"

	"github.com/spoorhq/spoor/engine"
)

// reorder holds back up to window exchanges and releases the earliest, so
// that lines a busy server wrote a second out of order reach the
// sessionizer in time order, with memory bounded by the window. Equal times
// keep their input order.
type reorder struct {
	window int
	emit   func(*engine.Exchange) error
	held   pending
	seq    uint64
	last   *engine.Exchange // the exchange released last
	late   int
}

func newReorder(window int, emit func(*engine.Exchange) error) *reorder {
	return &reorder{window: window, emit: emit}
}

func (r *reorder) push(x *engine.Exchange) error {
	r.seq++
	heap.Push(&r.held, held{x: x, seq: r.seq})
	if r.held.Len() <= r.window {
		return nil
	}
	return r.release()
}

func (r *reorder) release() error {
	x := heap.Pop(&r.held).(held).x
	if r.last != nil && x.Start.Before(r.last.Start) {
		r.late++
	} else {
		r.last = x
	}
	return r.emit(x)
}

// flush releases everything held, in order.
func (r *reorder) flush() error {
	for r.held.Len() > 0 {
		if err := r.release(); err != nil {
			return err
		}
	}
	return nil
}

type held struct {
	x   *engine.Exchange
	seq uint64
}

// pending is a min-heap of held exchanges by start time, then arrival.
type pending []held

func (p pending) Len() int { return len(p) }
func (p pending) Less(i, j int) bool {
	if c := p[i].x.Start.Compare(p[j].x.Start); c != 0 {
		return c < 0
	}
	return p[i].seq < p[j].seq
}
func (p pending) Swap(i, j int) { p[i], p[j] = p[j], p[i] }
func (p *pending) Push(v any)   { *p = append(*p, v.(held)) }
func (p *pending) Pop() any {
	old := *p
	v := old[len(old)-1]
	old[len(old)-1] = held{}
	*p = old[:len(old)-1]
	return v
}
