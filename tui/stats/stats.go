package stats

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Dim is a dimension requests can be counted and filtered by.
type Dim int

// Dimensions in the order the picker shows them.
const (
	DimMethod Dim = iota
	DimStatus
	DimIP
	DimAttack
	dims
)

// String is the dimension's column title.
func (d Dim) String() string {
	return [...]string{"METHOD", "STATUS", "IP", "ATTACK"}[d]
}

// Count is one value of a dimension and how many requests have it.
type Count struct {
	Value string
	N     int
}

// Latency is one endpoint's request count and latency percentiles.
type Latency struct {
	Endpoint string
	N        int
	P50, P95 time.Duration
}

// Stats are a session's request statistics.
type Stats struct {
	By        [dims][]Count
	Endpoints []Latency
	// Slow is the latency above which a request is highlighted: the
	// session's 95th percentile, but never below slowFloor, so that a
	// session of fast requests does not flag its 3ms ones.
	Slow      time.Duration
	Durations []time.Duration // sorted, for the histogram
	Classes   [6]int          // responses by status class; 0 is none
}

// slowFloor keeps fast sessions from flagging requests no user would
// notice.
const slowFloor = 500 * time.Millisecond

// Tags returns a request's counted attack tags, leaving out those a mute
// rule covered (the detail's tags tab lists them, marked). Every view reads them through
// here, so that the order they are shown in is decided in one place.
func Tags(x *engine.Exchange) []engine.AttackTag { return engine.CountedTags(x.Attacks) }

// Value returns x's value in a dimension; Attack values are several.
func Value(d Dim, x *engine.Exchange) []string {
	switch d {
	case DimMethod:
		return []string{x.Method}
	case DimStatus:
		if x.Status == 0 {
			return []string{"ERR"}
		}
		return []string{strconv.Itoa(x.Status)}
	case DimIP:
		return []string{x.ClientIP}
	case DimAttack:
		var out []string
		for _, t := range Tags(x) {
			if !slices.Contains(out, t.Type) {
				out = append(out, t.Type)
			}
		}
		return out
	}
	return nil
}

// Compute sums up xs.
func Compute(xs []engine.Exchange) Stats {
	var st Stats
	var counts [dims]map[string]int
	for d := range counts {
		counts[d] = map[string]int{}
	}
	byEndpoint := map[string][]time.Duration{}
	st.Durations = make([]time.Duration, 0, len(xs))
	for i := range xs {
		x := &xs[i]
		for d := range dims {
			for _, v := range Value(d, x) {
				counts[d][v]++
			}
		}
		e := cmp.Or(x.Endpoint, x.Path)
		byEndpoint[e] = append(byEndpoint[e], x.Duration)
		st.Durations = append(st.Durations, x.Duration)
		st.Classes[engine.StatusClass(x.Status)]++
	}
	for d := range dims {
		st.By[d] = sortedCounts(counts[d])
	}
	for e, ds := range byEndpoint {
		slices.Sort(ds)
		st.Endpoints = append(st.Endpoints, Latency{Endpoint: e, N: len(ds), P50: percentile(ds, 50), P95: percentile(ds, 95)})
	}
	slices.SortFunc(st.Endpoints, func(a, b Latency) int {
		return cmp.Or(cmp.Compare(b.P95, a.P95), cmp.Compare(a.Endpoint, b.Endpoint))
	})
	slices.Sort(st.Durations)
	st.Slow = max(percentile(st.Durations, 95), slowFloor)
	return st
}

func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Count{Value: k, N: m[k]})
	}
	slices.SortStableFunc(out, func(a, b Count) int { return cmp.Compare(b.N, a.N) })
	return out
}

// percentile reads the p-th percentile of sorted durations by the
// nearest-rank method.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// Histogram counts durations in n buckets on a log scale from 1ms to the
// slowest, because latencies spread over orders of magnitude.
func Histogram(sorted []time.Duration, n int) []int {
	out := make([]int, n)
	if len(sorted) == 0 || n == 0 {
		return out
	}
	top := max(sorted[len(sorted)-1], 2*time.Millisecond)
	lo, hi := logf(time.Millisecond), logf(top)
	for _, d := range sorted {
		b := 0
		if d > time.Millisecond && hi > lo {
			b = int(float64(n) * (logf(d) - lo) / (hi - lo))
		}
		out[min(max(b, 0), n-1)]++
	}
	return out
}

func logf(d time.Duration) float64 { return math.Log(float64(d)) }
