package workstation

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
	"github.com/spoorhq/spoor/ingest"
)

// attackDetector runs both detection tiers on each clear exchange: tier 1
// (libinjection and spoor's fast checks) on all of them as they arrive,
// tier 2 (the Core Rule Set) at once while its budget allows, and later,
// from the catch-up queue, on the stored copy of the others. It satisfies
// ingest.Detector and ingest.LateDetector.
type attackDetector struct {
	detector  *detect.Detector
	prefilter *detect.Prefilter
	schedule  *detect.Scheduler
	// budget is tier 2's share of the CPU, nil in an import, which checks
	// everything at once.
	budget *detect.Budget
	log    *slog.Logger
	// mute marks the tags a mute rule covers, before they are counted;
	// nil marks none.
	mute func(x *engine.Exchange, tags []engine.AttackTag)
	// prioritise computes each exchange's priority, which a budget and
	// screening need; without either every exchange is checked at once.
	prioritise bool
	// tagged counts the exchanges that left with at least one tag.
	tagged atomic.Uint64
}

// detectPolicy is how a run schedules the Core Rule Set.
type detectPolicy struct {
	// partialHeaders is for imported logs, which carry only some request
	// headers: the rules about missing headers are left out.
	partialHeaders bool
	// budgeted gives tier 2 only the CPU the proxy leaves (detect.Budget)
	// and defers what it cannot check to the catch-up queue; without it
	// every exchange is checked at once.
	budgeted bool
	// screen leaves to tier 1 alone what tier 1 found clean and the
	// prefilter does not flag (detect.Screened).
	screen bool
}

// captureDetection protects the proxy: tier 2 runs on the CPU the proxy
// does not use, down to crsFloor of a core under load, and what it cannot
// check at once waits in the store's catch-up queue.
func captureDetection() detectPolicy { return detectPolicy{budgeted: true} }

// importDetection is for a file: there is no latency to protect, so tier
// 2 checks at once, on the detection stage's workers. By default it
// screens: the Core Rule Set checks the lines tier 1 tagged and those the
// prefilter flags (7.6 % of the shared access log; `make eval` gives the
// recall this keeps), at some 430 µs a check, and tier 1 alone the clean
// rest; all checks every line.
func importDetection(all bool) detectPolicy {
	return detectPolicy{partialHeaders: true, screen: !all}
}

// crsFloor is the share of one core tier 2 keeps however busy the proxy
// is: at 1–5 ms a check, some 5–20 checks a second, which drains the
// catch-up queue slowly under saturation. On a saturated machine every
// cycle tier 2 takes is the proxy's: at 5% of a core it cost about 8% of
// spoor's samples under bench/detect.sh's load (perf), so 2%.
const crsFloor = 0.02

// newAttackDetector builds the detector once. The Core Rule Set takes a
// third of a second of CPU to load, so it loads in the background while
// tier 1 already tags.
func newAttackDetector(log *slog.Logger, p detectPolicy) (*attackDetector, error) {
	d, err := detect.New(detect.Options{Paranoia: 1, PartialHeaders: p.partialHeaders, LoadInBackground: true})
	if err != nil {
		return nil, fmt.Errorf("attack detection: %w", err)
	}
	go func() {
		if err := d.Loaded(); err != nil {
			log.Error("the Core Rule Set failed to load: tier 2 is off, tier 1 still tags", "err", err)
		}
	}()
	a := &attackDetector{detector: d, prefilter: detect.NewPrefilter(), log: log}
	if p.budgeted {
		a.budget = detect.NewBudget(detect.BudgetOptions{Cores: runtime.GOMAXPROCS(0), Floor: crsFloor})
	}
	a.schedule = detect.NewScheduler(detect.SchedulerOptions{Budget: a.budget, ShedAt: captureDeferAt, Screen: p.screen})
	a.prioritise = p.budgeted || p.screen
	return a, nil
}

// captureDeferAt is the backlog at which a capture stops checking at once
// and defers every exchange to the catch-up queue: a stage window's worth.
// Checking at once while exchanges wait would delay their commit, and so
// widen what a crash loses; the queue, in the store, loses nothing.
const captureDeferAt = 64

// Detect tags x: tier 1 always; tier 2, unless screening leaves x to tier
// 1, at once while its budget allows, most promising exchanges first. An
// exchange tier 2 cannot check now is marked crs_pending, and the store
// puts it in the catch-up queue. A
// tier-2 failure keeps the tier-1 tags, marks the check off and is
// logged: detection must never cost the capture an exchange.
func (a *attackDetector) Detect(x *engine.Exchange, backlog int) {
	// Tags the proxy put on the request (spoor-smuggling) come first.
	tags := append(slices.Clip(x.Attacks), a.detector.Tier1(x)...)
	x.Examined = engine.ExaminedTier1
	p := detect.PriorityTagged
	if a.prioritise {
		p = detect.PriorityOf(a.prefilter, x, tags)
	}
	switch {
	case a.schedule.LeftToTier1(p):
		// examined by tier 1 alone, and so recorded
	case a.schedule.Now(time.Now(), p, backlog):
		tags = a.tier2(x, tags)
	default:
		x.Examined |= engine.ExaminedCRSPending
		if p == detect.PrioritySuspect {
			x.Examined |= engine.ExaminedSuspect
		}
	}
	if a.mute != nil {
		a.mute(x, tags)
	}
	x.Attacks = tags
	if len(engine.CountedTags(tags)) > 0 {
		a.tagged.Add(1)
	}
}

// CheckLate checks a stored exchange from the catch-up queue once the
// budget allows, and returns the tags tier 2 added. It satisfies
// ingest.LateDetector. x is the stored copy: credentials (Authorization,
// Cookie) are hashed, so rules reading them see hashes; the query, path,
// other headers and the captured body (up to 64 KiB) are as sent.
func (a *attackDetector) CheckLate(ctx context.Context, x *engine.Exchange) ([]engine.AttackTag, error) {
	p := detect.PriorityOfStored(x)
	for !a.schedule.Later(time.Now(), p) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lateRetry):
		}
	}
	stored := slices.Clone(x.Attacks)
	tags := a.tier2(x, stored)
	a.schedule.CheckedLate()
	if a.mute != nil {
		a.mute(x, tags[len(stored):])
	}
	x.Attacks = tags
	return slices.Clone(tags[len(stored):]), nil
}

// lateRetry is how long the catch-up queue waits for the budget to refill
// before asking again.
const lateRetry = 10 * time.Millisecond

// tier2 runs the Core Rule Set on x with tier 1's tags, charges the
// budget the CPU the check took, and records the examination: crs, or
// off when the rules failed to load or the check failed (then tier 1's
// tags stand). The rules load in the background: the first check waits
// for them, and the wait is not charged.
func (a *attackDetector) tier2(x *engine.Exchange, tags []engine.AttackTag) []engine.AttackTag {
	notChecked := x.Examined&^(engine.ExaminedCRSPending|engine.ExaminedSuspect) | engine.ExaminedOff
	if a.detector.Loaded() != nil {
		x.Examined = notChecked
		return tags
	}
	var deep []engine.AttackTag
	var err error
	cpu := ingest.ThreadCPU(func() { deep, err = a.detector.Tier2(x, tags) })
	a.schedule.Charge(cpu)
	if err != nil {
		a.log.Warn("core rule set check failed", "path", x.Path, "err", err)
		x.Examined = notChecked
		return tags
	}
	x.Examined = x.Examined.Checked()
	return deep
}

// sampleCPU feeds the budget the process's CPU time until ctx ends; an
// import, which has no budget, needs none.
func (a *attackDetector) sampleCPU(ctx context.Context) {
	if a.budget == nil {
		return
	}
	n := 0
	ingest.SampleCPU(ctx, cpuSampleEvery, func(r ingest.CPUReading) {
		a.budget.Observe(r.At, r.ProcessCPU, r.SchedLatency)
		if n++; n%10 == 0 {
			a.log.Debug("tier 2 budget", "share", a.budget.Share(), "sched_latency", r.SchedLatency, "process_cpu", r.ProcessCPU)
		}
	})
}

// cpuSampleEvery is how often the budget measures the process.
const cpuSampleEvery = 100 * time.Millisecond

// Stats are how many exchanges each tier checked.
func (a *attackDetector) Stats() detect.SchedulerStats { return a.schedule.Stats() }
