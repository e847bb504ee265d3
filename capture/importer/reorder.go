package importer

import (
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
	r.held.push(held{x: x, at: x.Start.UnixNano(), seq: r.seq})
	if len(r.held) <= r.window {
		return nil
	}
	return r.release()
}

func (r *reorder) release() error {
	x := r.held.pop().x
	if r.last != nil && x.Start.Before(r.last.Start) {
		r.late++
	} else {
		r.last = x
	}
	return r.emit(x)
}

// flush releases everything held, in order.
func (r *reorder) flush() error {
	for len(r.held) > 0 {
		if err := r.release(); err != nil {
			return err
		}
	}
	return nil
}

// held is an exchange with its start time, read once, and arrival number.
type held struct {
	x   *engine.Exchange
	at  int64
	seq uint64
}

func (h held) before(o held) bool {
	if h.at != o.at {
		return h.at < o.at
	}
	return h.seq < o.seq
}

// pending is a min-heap of held exchanges by start time, then arrival. It
// is written out rather than built on container/heap, whose interface
// boxed every exchange pushed: that was half the reader's time on a
// million-line log.
type pending []held

func (p *pending) push(h held) {
	*p = append(*p, h)
	q := *p
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q[i].before(q[parent]) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

func (p *pending) pop() held {
	q := *p
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q[last] = held{}
	q = q[:last]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(q) && q[l].before(q[small]) {
			small = l
		}
		if r := l + 1; r < len(q) && q[r].before(q[small]) {
			small = r
		}
		if small == i {
			break
		}
		q[i], q[small] = q[small], q[i]
		i = small
	}
	*p = q
	return top
}
