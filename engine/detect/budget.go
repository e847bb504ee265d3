package detect

import (
	"sync"
	"time"
)

// BudgetOptions set how much CPU tier 2 may take.
type BudgetOptions struct {
	// Cores is how many CPUs the process may use (GOMAXPROCS). Tier 2
	// takes at most all but one of them, so that the proxy always has a
	// core to itself; 0 means 1.
	Cores int
	// Floor is the share of one core tier 2 keeps however busy the
	// process is, so that the catch-up queue drains, slowly, even under
	// saturation; 0 means 0.05.
	Floor float64
	// Burst is how long tier 2 may run at its share without a pause: the
	// budget holds at most Burst × share of CPU time; 0 means 250 ms.
	Burst time.Duration
	// Contended is the mean scheduling latency (how long the process's
	// goroutines wait to run) at which the process counts as CPU-bound
	// whatever CPU time it used, because other processes take the cores
	// (a load generator, other tenants); 0 means 200 µs.
	Contended time.Duration
}

// Budget is tier 2's share of the CPU, as a token bucket of CPU time. The
// share is not fixed: Observe measures the CPU the process spent outside
// tier 2 (the proxy, analysis, the store) and gives tier 2 what is left
// of all but one core, never less than the floor. An idle proxy lets the
// Core Rule Set check everything at once; a saturated one leaves it the
// floor, and what it cannot check waits in the catch-up queue. Time and
// CPU readings are passed in, so a test drives it with literals. A Budget
// is safe for concurrent use.
type Budget struct {
	mu        sync.Mutex
	cores     float64
	floor     float64
	burst     time.Duration
	contended time.Duration
	share     float64 // cores tier 2 may use now
	tokens    float64 // CPU seconds tier 2 may spend now
	last      time.Time
	// spent is tier 2's CPU time charged so far; observedAt, observedCPU
	// and observedSpent are the previous Observe's readings.
	spent         time.Duration
	observedAt    time.Time
	observedCPU   time.Duration
	observedSpent time.Duration
	busy          float64 // smoothed cores used outside tier 2
}

// NewBudget returns a budget at its floor until the first two
// observations measure the process.
func NewBudget(opts BudgetOptions) *Budget {
	if opts.Cores <= 0 {
		opts.Cores = 1
	}
	if opts.Floor <= 0 {
		opts.Floor = 0.05
	}
	if opts.Burst <= 0 {
		opts.Burst = 250 * time.Millisecond
	}
	if opts.Contended <= 0 {
		opts.Contended = 200 * time.Microsecond
	}
	return &Budget{cores: float64(opts.Cores), floor: opts.Floor, burst: opts.Burst, contended: opts.Contended, share: opts.Floor}
}

// Observe takes a reading of the process's CPU time (user and system, all
// threads) at now and of its goroutines' mean scheduling latency since the
// previous reading, and sets tier 2's share from the CPU the process spent
// outside tier 2: all but one core, less that, within [floor, cores-1].
// A latency at or above Contended counts as all cores busy: the process's
// goroutines wait for a CPU, so other processes hold the ones it does not
// use. Readings are smoothed over about two calls, so one busy interval
// does not starve tier 2 nor one idle interval unleash it.
func (b *Budget) Observe(now time.Time, processCPU, schedLatency time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.observedAt.IsZero() && now.After(b.observedAt) {
		wall := now.Sub(b.observedAt).Seconds()
		other := (processCPU - b.observedCPU) - (b.spent - b.observedSpent)
		rate := max(0, other.Seconds()/wall)
		if schedLatency >= b.contended {
			rate = b.cores
		}
		b.busy = (b.busy + rate) / 2
		b.setShare(b.cores - 1 - b.busy)
	}
	b.observedAt, b.observedCPU, b.observedSpent = now, processCPU, b.spent
}

// setShare clamps s to [floor, max(floor, cores-1)].
func (b *Budget) setShare(s float64) {
	b.share = min(max(s, b.floor), max(b.floor, b.cores-1))
}

// Share is the cores tier 2 may use now.
func (b *Budget) Share() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.share
}

// Allow reports whether a check of priority p may start now. The budget
// refills at the share's rate; an exchange tier 1 found clean but the
// prefilter flags may start while any is left, a clean one while a
// quarter of a full budget is left, and one tier 1 already tagged only
// while half is, so that enrichment never takes the time a missed attack
// needs.
func (b *Budget) Allow(now time.Time, p Priority) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	full := b.share * b.burst.Seconds()
	if b.last.IsZero() {
		b.tokens = full
	} else if now.After(b.last) {
		b.tokens = min(full, b.tokens+now.Sub(b.last).Seconds()*b.share)
	}
	if now.After(b.last) {
		b.last = now
	}
	switch p {
	case PrioritySuspect:
		return b.tokens > 0
	case PriorityClean:
		return b.tokens > full/4
	}
	return b.tokens > full/2
}

// Charge spends cpu, the CPU time one check took. A check that started
// with budget left may overdraw it; the debt delays the next ones.
func (b *Budget) Charge(cpu time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens -= cpu.Seconds()
	b.spent += cpu
}
