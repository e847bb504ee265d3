package abuse

import "time"

// expiry finds the entries of one of the tracker's maps that have been idle
// for too long without walking the map. Walking was most of a sweep's
// cost: sessions are swept every minute of exchange time, and a map that
// once held thousands of entries is as slow to walk when few remain.
//
// It is a min-heap of the map's entries by a time no later than their
// last activity, each queued when it is created; an entry found still
// active when its turn comes is queued again at its last activity, and
// one the map no longer holds (trimmed, or replaced) is dropped.
type expiry[T any] struct {
	m    map[string]*T
	last func(*T) time.Time
	heap []expiring[T]
}

type expiring[T any] struct {
	at  time.Time // no later than v's last activity
	key string
	v   *T
}

func newExpiry[T any](m map[string]*T, last func(*T) time.Time) expiry[T] {
	return expiry[T]{m: m, last: last}
}

// push queues v, just added to the map under key, as active at at.
func (e *expiry[T]) push(at time.Time, key string, v *T) {
	if len(e.heap) > 2*len(e.m)+64 {
		e.rebuild()
	}
	e.heap = append(e.heap, expiring[T]{at: at, key: key, v: v})
	for i := len(e.heap) - 1; i > 0; {
		parent := (i - 1) / 2
		if !e.heap[i].at.Before(e.heap[parent].at) {
			break
		}
		e.heap[i], e.heap[parent] = e.heap[parent], e.heap[i]
		i = parent
	}
}

// rebuild queues what the map holds, at its last activity, and nothing
// else, so that the entries of a map trimmed at its cap cannot pile up.
func (e *expiry[T]) rebuild() {
	clear(e.heap)
	e.heap = e.heap[:0]
	for key, v := range e.m {
		e.heap = append(e.heap, expiring[T]{at: e.last(v), key: key, v: v})
	}
	for i := len(e.heap)/2 - 1; i >= 0; i-- {
		e.down(i)
	}
}

// pop removes the entry queued earliest.
func (e *expiry[T]) pop() expiring[T] {
	top := e.heap[0]
	n := len(e.heap) - 1
	e.heap[0] = e.heap[n]
	e.heap[n] = expiring[T]{}
	e.heap = e.heap[:n]
	e.down(0)
	return top
}

func (e *expiry[T]) down(i int) {
	n := len(e.heap)
	for {
		least, l, r := i, 2*i+1, 2*i+2
		if l < n && e.heap[l].at.Before(e.heap[least].at) {
			least = l
		}
		if r < n && e.heap[r].at.Before(e.heap[least].at) {
			least = r
		}
		if least == i {
			return
		}
		e.heap[i], e.heap[least] = e.heap[least], e.heap[i]
		i = least
	}
}

// expire deletes from the map every entry idle for longer than idle at
// now, and calls drop (if set) on each after deleting it: exactly the
// entries a walk of the map would find.
func (e *expiry[T]) expire(now time.Time, idle time.Duration, drop func(*T)) {
	for len(e.heap) > 0 && now.Sub(e.heap[0].at) > idle {
		it := e.pop()
		if e.m[it.key] != it.v {
			continue
		}
		if at := e.last(it.v); now.Sub(at) <= idle {
			e.push(at, it.key, it.v)
			continue
		}
		delete(e.m, it.key)
		if drop != nil {
			drop(it.v)
		}
	}
}
