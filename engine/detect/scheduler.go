package detect

import (
	"sync/atomic"
	"time"
)

// SchedulerOptions set when tier 2 checks an exchange at once.
type SchedulerOptions struct {
	// Budget is tier 2's share of the CPU; nil means no limit (an import,
	// which has no proxy to protect: every exchange is checked at once).
	Budget *Budget
	// ShedAt is the backlog (exchanges waiting for analysis) at which the
	// detection stage stops checking at once and defers everything to the
	// catch-up queue; 0 means 1000.
	ShedAt int
	// ResumeAt is the backlog at or below which it checks at once again;
	// 0 means ShedAt/4. The gap between the two keeps the policy from
	// flapping at one queue length.
	ResumeAt int
	// Screen leaves to tier 1 alone the exchanges tier 1 found clean and
	// the prefilter does not flag (Screened): an import's default, where
	// checking every line would cost about half a millisecond each.
	Screen bool
}

// Scheduler decides when tier 2 checks an exchange. Tier 1 runs on all of
// them as they arrive. Tier 2 costs about a thousand times more, so it
// checks an exchange at once only while its budget allows and analysis
// keeps up; any other exchange is deferred to the catch-up queue, which
// the budget drains when the proxy leaves CPU free, most promising first
// (Priority). Nothing is shed: an exchange is checked now or later, or,
// should the queue overflow, marked as not checked. The Scheduler counts
// each outcome, so that a report can say how much traffic the Core Rule
// Set saw. It is safe for concurrent use.
type Scheduler struct {
	budget           *Budget
	shedAt, resumeAt int
	screen           bool

	deferring atomic.Bool
	tier1     atomic.Uint64
	tier2     atomic.Uint64
	deferred  atomic.Uint64
	late      atomic.Uint64
	screened  atomic.Uint64
}

// SchedulerStats are a Scheduler's counts.
type SchedulerStats struct {
	// Tier1 is how many exchanges tier 1 checked.
	Tier1 uint64 `json:"tier1"`
	// Tier2 is how many exchanges tier 2 checked, at once or late.
	Tier2 uint64 `json:"tier2"`
	// Deferred is how many exchanges were left to the catch-up queue, and
	// Late how many of those, or of earlier runs', tier 2 has checked
	// since.
	Deferred uint64 `json:"deferred"`
	Late     uint64 `json:"late"`
	// Screened is how many exchanges screening left to tier 1 alone.
	Screened uint64 `json:"screened,omitempty"`
	// Deferring says whether analysis is behind, so that tier 2 defers
	// every exchange.
	Deferring bool `json:"deferring"`
}

// NewScheduler returns a Scheduler that checks at once until the backlog
// reaches opts.ShedAt or the budget runs out.
func NewScheduler(opts SchedulerOptions) *Scheduler {
	if opts.ShedAt <= 0 {
		opts.ShedAt = 1000
	}
	if opts.ResumeAt <= 0 || opts.ResumeAt >= opts.ShedAt {
		opts.ResumeAt = opts.ShedAt / 4
	}
	return &Scheduler{budget: opts.Budget, shedAt: opts.ShedAt, resumeAt: opts.ResumeAt, screen: opts.Screen}
}

// Now records that tier 1 checked one exchange and reports whether tier 2
// should check it at once; if not, the caller defers it. p is its
// priority, backlog how many exchanges wait for analysis.
func (s *Scheduler) Now(now time.Time, p Priority, backlog int) bool {
	s.tier1.Add(1)
	if s.budget == nil {
		s.tier2.Add(1)
		return true
	}
	switch {
	case backlog >= s.shedAt:
		s.deferring.Store(true)
	case backlog <= s.resumeAt:
		s.deferring.Store(false)
	}
	if !s.deferring.Load() && s.budget.Allow(now, p) {
		s.tier2.Add(1)
		return true
	}
	s.deferred.Add(1)
	return false
}

// Later reports whether the catch-up queue may check an exchange of
// priority p now. Analysis being behind does not hold the catch-up queue
// back: its checks are paid from the same budget.
func (s *Scheduler) Later(now time.Time, p Priority) bool {
	return s.budget == nil || s.budget.Allow(now, p)
}

// CheckedLate records that tier 2 checked a deferred exchange.
func (s *Scheduler) CheckedLate() {
	s.tier2.Add(1)
	s.late.Add(1)
}

// Charge spends cpu, what one check took, from the budget.
func (s *Scheduler) Charge(cpu time.Duration) {
	if s.budget != nil {
		s.budget.Charge(cpu)
	}
}

// LeftToTier1 reports whether screening leaves an exchange of priority p
// to tier 1 alone, and counts it if so. Without Screen it never does.
func (s *Scheduler) LeftToTier1(p Priority) bool {
	if !s.screen || Screened(p) {
		return false
	}
	s.tier1.Add(1)
	s.screened.Add(1)
	return true
}

// Stats returns the counts so far.
func (s *Scheduler) Stats() SchedulerStats {
	return SchedulerStats{
		Tier1:     s.tier1.Load(),
		Tier2:     s.tier2.Load(),
		Deferred:  s.deferred.Load(),
		Late:      s.late.Load(),
		Screened:  s.screened.Load(),
		Deferring: s.deferring.Load(),
	}
}
