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
	// lastAt is the start of the last exchange released in order, in Unix
	// nanoseconds as the keys hold it, so that releasing never reads the
	// exchange itself: that read, long after the line was parsed, missed
	// the cache every time.
	lastAt   int64
	released bool
	late     int
}

func newReorder(window int, emit func(*engine.Exchange) error) *reorder {
	return &reorder{window: window, emit: emit, held: newPending(window)}
}

func (r *reorder) push(x *engine.Exchange) error {
	r.seq++
	r.held.push(x, r.seq)
	if r.held.len() <= r.window {
		return nil
	}
	return r.release()
}

func (r *reorder) release() error {
	x, at := r.held.pop()
	if r.released && at < r.lastAt {
		r.late++
	} else {
		r.lastAt, r.released = at, true
	}
	return r.emit(x)
}

// flush releases everything held, in order.
func (r *reorder) flush() error {
	for r.held.len() > 0 {
		if err := r.release(); err != nil {
			return err
		}
	}
	return nil
}

// pending holds exchanges and gives back the earliest by start time, then
// arrival. The exchanges sit in slots; the heap orders keys that name a
// slot, so that it holds no pointers: moving a key costs no write barrier
// while the collector runs, which it does for much of an import.
type pending struct {
	slots []*engine.Exchange
	free  []int32 // indexes of empty slots
	keys  keyHeap
}

// newPending makes room for a full window up front, as the window fills
// anyway and growing there step by step allocated five times as much; a
// huge window grows from a few thousand as it fills.
func newPending(window int) pending {
	size := min(window, 1<<12) + 1 // a push comes before the release
	return pending{
		slots: make([]*engine.Exchange, 0, size),
		free:  make([]int32, 0, size),
		keys:  make(keyHeap, 0, size),
	}
}

func (p *pending) len() int { return len(p.keys) }

func (p *pending) push(x *engine.Exchange, seq uint64) {
	var slot int32
	if n := len(p.free); n > 0 {
		slot, p.free = p.free[n-1], p.free[:n-1]
		p.slots[slot] = x
	} else {
		slot = int32(len(p.slots))
		p.slots = append(p.slots, x)
	}
	p.keys.push(key{at: x.Start.UnixNano(), seq: seq, slot: slot})
}

// pop returns the earliest exchange and its start time in nanoseconds;
// pending must not be empty.
func (p *pending) pop() (*engine.Exchange, int64) {
	k := p.keys.pop()
	x := p.slots[k.slot]
	p.slots[k.slot] = nil
	p.free = append(p.free, k.slot)
	return x, k.at
}

// key is a held exchange's start time, read once, its arrival number and
// its slot.
type key struct {
	at   int64
	seq  uint64
	slot int32
}

func (k key) before(o key) bool {
	if k.at != o.at {
		return k.at < o.at
	}
	return k.seq < o.seq
}

// keyHeap is a binary min-heap of keys. It is written out rather than built
// on container/heap, whose interface boxed every key pushed.
type keyHeap []key

func (h *keyHeap) push(k key) {
	*h = append(*h, k)
	q := *h
	i := len(q) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !k.before(q[parent]) {
			break
		}
		q[i] = q[parent]
		i = parent
	}
	q[i] = k
}

// pop removes the smallest key. It walks the hole at the root down to a
// leaf along the smaller children, then lets the last key rise from there
// (Floyd's method): the last key nearly always belongs near the bottom, so
// this takes one comparison a level where sifting it down from the root
// takes two.
func (h *keyHeap) pop() key {
	q := *h
	top := q[0]
	n := len(q) - 1
	last := q[n]
	q = q[:n]
	*h = q
	if n == 0 {
		return top
	}
	i := 0
	for {
		child := 2*i + 1
		if child >= n {
			break
		}
		if r := child + 1; r < n && q[r].before(q[child]) {
			child = r
		}
		q[i] = q[child]
		i = child
	}
	for i > 0 {
		parent := (i - 1) / 2
		if !last.before(q[parent]) {
			break
		}
		q[i] = q[parent]
		i = parent
	}
	q[i] = last
	return top
}
