package abuse

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestExpiry checks that expire evicts exactly what a walk of the map
// would, while entries are touched out of order, replaced and trimmed
// behind its back.
func TestExpiry(t *testing.T) {
	type entry struct{ last time.Time }
	rng := rand.New(rand.NewPCG(1, 2))
	m := map[string]*entry{}
	e := newExpiry(m, func(v *entry) time.Time { return v.last })
	var now time.Time
	const idle = 10 * time.Minute
	for step := range 20000 {
		now = now.Add(time.Duration(rng.IntN(30)) * time.Second)
		at := now.Add(-time.Duration(rng.IntN(300)) * time.Second) // late exchanges
		key := strconv.Itoa(rng.IntN(400))
		switch v := m[key]; {
		case v == nil || rng.IntN(50) == 0: // new, or replaced
			v = &entry{last: at}
			m[key] = v
			e.push(at, key, v)
		default:
			v.last = later(v.last, at)
		}
		if rng.IntN(200) == 0 { // trimmed
			for k := range m {
				if rng.IntN(4) == 0 {
					delete(m, k)
				}
			}
		}
		if step%40 == 0 {
			var want []string
			for k, v := range m {
				if now.Sub(v.last) > idle {
					want = append(want, k)
				}
			}
			before := maps.Clone(m)
			var got []string
			e.expire(now, idle, func(v *entry) {
				for k, w := range before {
					if w == v {
						got = append(got, k)
					}
				}
			})
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: expired %v, want %v", step, got, want)
			}
			for _, k := range want {
				if _, ok := m[k]; ok {
					t.Fatalf("step %d: %s expired but still held", step, k)
				}
			}
		}
	}
	// The map never holds more than the 400 keys: trimmed entries must
	// not pile up in the heap.
	if len(e.heap) > 2*400+64+1 {
		t.Errorf("heap holds %d entries for a map of at most 400", len(e.heap))
	}
}
