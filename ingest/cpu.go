package ingest

import (
	"context"
	"math"
	"runtime/metrics"
	"time"
)

// CPUReading is one reading of how the process uses the CPU, for tier 2's
// budget (engine/detect's Budget.Observe).
type CPUReading struct {
	// At is when the reading was taken.
	At time.Time
	// ProcessCPU is the CPU time (user and system, all threads) the
	// process has used so far.
	ProcessCPU time.Duration
	// SchedLatency is the mean time the process's goroutines waited to
	// run, runnable, since the previous reading: it grows when they
	// compete for the CPU, whether with each other (a proxy under load)
	// or with other processes (a load generator, other tenants), which
	// the process's own CPU time does not show.
	SchedLatency time.Duration
}

// SampleCPU calls observe with a reading every interval until ctx ends.
// Where the process's CPU time cannot be read, it never calls observe, and
// the budget stays at its floor.
func SampleCPU(ctx context.Context, interval time.Duration, observe func(CPUReading)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	sched := newSchedLatency()
	for {
		if cpu, ok := ProcessCPU(); ok {
			observe(CPUReading{At: time.Now(), ProcessCPU: cpu, SchedLatency: sched.mean()})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// schedLatency reads the runtime's histogram of goroutine scheduling
// latencies and averages what it gained since the previous read.
type schedLatency struct {
	sample []metrics.Sample
	prev   []uint64
}

func newSchedLatency() *schedLatency {
	return &schedLatency{sample: []metrics.Sample{{Name: "/sched/latencies:seconds"}}}
}

// mean is the mean latency of the scheduling events since the previous
// call, each counted at its bucket's middle; 0 without events.
func (s *schedLatency) mean() time.Duration {
	metrics.Read(s.sample)
	if s.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0
	}
	h := s.sample[0].Value.Float64Histogram()
	var n, sum float64
	if len(s.prev) == len(h.Counts) {
		for i, c := range h.Counts {
			d := float64(c - s.prev[i])
			lo, hi := h.Buckets[i], h.Buckets[i+1]
			if math.IsInf(lo, -1) {
				lo = 0
			}
			if math.IsInf(hi, 1) {
				hi = lo
			}
			n += d
			sum += d * (lo + hi) / 2
		}
	}
	s.prev = append(s.prev[:0], h.Counts...)
	if n == 0 {
		return 0
	}
	return time.Duration(sum / n * float64(time.Second))
}
