package detect

import "sync/atomic"

// SchedulerOptions set when tier 2 sheds load.
type SchedulerOptions struct {
	// ShedAt is the backlog (exchanges waiting for analysis) at which
	// tier 2 starts checking only suspicious exchanges; 0 means 1000.
	ShedAt int
	// ResumeAt is the backlog at or below which tier 2 checks every
	// exchange again; 0 means ShedAt/4. The gap between the two keeps the
	// policy from flapping at one queue length.
	ResumeAt int
}

// Scheduler decides which exchanges tier 2 checks. Tier 1 runs on all of
// them; tier 2 costs about a thousand times more, so it always checks the
// exchanges tier 1 found suspicious and checks the others only while
// analysis keeps up. It counts what each tier checked, so that a report
// can say how much traffic the Core Rule Set saw. A Scheduler is safe for
// concurrent use by the analysis workers.
type Scheduler struct {
	shedAt, resumeAt int

	shedding atomic.Bool
	tier1    atomic.Uint64
	tier2    atomic.Uint64
	shed     atomic.Uint64
}

// SchedulerStats are a Scheduler's counts.
type SchedulerStats struct {
	// Tier1 is how many exchanges tier 1 checked.
	Tier1 uint64 `json:"tier1"`
	// Tier2 is how many exchanges tier 2 checked.
	Tier2 uint64 `json:"tier2"`
	// Shed is how many exchanges tier 2 skipped because analysis was
	// behind or the caller's budget was spent.
	Shed uint64 `json:"shed"`
	// Shedding says whether tier 2 is checking suspicious exchanges only.
	Shedding bool `json:"shedding"`
}

// NewScheduler returns a Scheduler that checks everything until the
// backlog reaches opts.ShedAt.
func NewScheduler(opts SchedulerOptions) *Scheduler {
	if opts.ShedAt <= 0 {
		opts.ShedAt = 1000
	}
	if opts.ResumeAt <= 0 || opts.ResumeAt >= opts.ShedAt {
		opts.ResumeAt = opts.ShedAt / 4
	}
	return &Scheduler{shedAt: opts.ShedAt, resumeAt: opts.ResumeAt}
}

// Tier2 records that tier 1 checked one exchange and reports whether tier
// 2 should check it too. suspicious is whether tier 1 tagged it; backlog is
// how many exchanges wait for analysis (the caller's queue length).
func (s *Scheduler) Tier2(suspicious bool, backlog int) bool {
	return s.Tier2Within(suspicious, backlog, true)
}

// Tier2Within is Tier2 for a caller that also budgets tier 2's time:
// affordable says whether the budget allows one more check. An exchange
// the budget refuses is not checked, suspicious or not, and counts as
// shed; within the budget, suspicious exchanges are checked even while
// shedding, clean ones only while analysis keeps up. A caller that wants
// suspicious exchanges served first reserves part of its budget for them.
func (s *Scheduler) Tier2Within(suspicious bool, backlog int, affordable bool) bool {
	s.tier1.Add(1)
	switch {
	case backlog >= s.shedAt:
		s.shedding.Store(true)
	case backlog <= s.resumeAt:
		s.shedding.Store(false)
	}
	if affordable && (suspicious || !s.shedding.Load()) {
		s.tier2.Add(1)
		return true
	}
	s.shed.Add(1)
	return false
}

// Stats returns the counts so far.
func (s *Scheduler) Stats() SchedulerStats {
	return SchedulerStats{
		Tier1:    s.tier1.Load(),
		Tier2:    s.tier2.Load(),
		Shed:     s.shed.Load(),
		Shedding: s.shedding.Load(),
	}
}
