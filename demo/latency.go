package demo

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// delay describes how long an endpoint takes: base plus up to spread, and now
// and then (slowChance) up to slow on top, the way a cache miss or a lock
// shows up in a real service.
type delay struct {
	base, spread time.Duration
	slowChance   float64
	slow         time.Duration
}

// latency draws delays from a seeded source shared by all requests.
type latency struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newLatency(seed int64) *latency {
	return &latency{rng: rand.New(rand.NewPCG(uint64(seed), 0x6c6174656e6379))} // "latency"
}

func (l *latency) draw(d delay) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := d.base + time.Duration(l.rng.Int64N(int64(d.spread)+1))
	if l.rng.Float64() < d.slowChance {
		t += time.Duration(l.rng.Int64N(int64(d.slow) + 1))
	}
	return t
}

// slowed delays h by a draw from d. A client that gives up while waiting gets
// no answer, as it would from a real server.
func (s *api) slowed(d delay, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(s.latency.draw(d))
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		h(w, r)
	}
}
