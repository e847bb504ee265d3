package main

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
	"github.com/spoorhq/spoor/engine/detect"
	"github.com/spoorhq/spoor/engine/gql"
	"github.com/spoorhq/spoor/engine/mcp"
)

// newAnalyzer builds the analysis every path into the store runs (the
// proxy, the demo, imports): grouping, context and flows from cfg, then the
// observers that judge each session as it grows: MCP signals, GraphQL
// checks and the abuse verdicts, last, because they read what the others
// recorded.
func newAnalyzer(cfg engine.Config, secret []byte) (*engine.Analyzer, error) {
	a, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher(secret))
	if err != nil {
		return nil, err
	}
	verdicts, err := abuse.NewTracker(abuse.DefaultConfig())
	if err != nil {
		return nil, fmt.Errorf("abuse detection: %w", err)
	}
	a.Use(mcp.NewTracker(mcp.Options{}), gql.NewInspector(gql.Options{}), verdicts)
	return a, nil
}

// attackDetector runs both detection tiers on each clear exchange: tier 1
// (libinjection and spoor's fast checks) on all of them, tier 2 (the Core
// Rule Set) on as many as its share of the CPU allows, suspicious ones
// first. It satisfies ingest.Detector.
type attackDetector struct {
	detector *detect.Detector
	schedule *detect.Scheduler
	budget   *rateBudget
	cpu      *timeBudget
	log      *slog.Logger
	// tagged counts the exchanges that left with at least one tag, and
	// unchecked the suspicious ones tier 2 had no time for.
	tagged, unchecked atomic.Uint64
}

// detectPolicy is how much of the Core Rule Set a run can afford.
type detectPolicy struct {
	// partialHeaders is for imported logs, which carry only some request
	// headers: the rules about missing headers are left out.
	partialHeaders bool
	// crsShare is the share of one core tier 2 may take; cleanPerSecond
	// bounds its checks of exchanges tier 1 found clean.
	crsShare       float64
	cleanPerSecond float64
}

// captureDetection protects the proxy: tier 2 within crsCoreShare of a core
// and cleanChecksPerSecond clean checks.
func captureDetection() detectPolicy {
	return detectPolicy{crsShare: crsCoreShare, cleanPerSecond: cleanChecksPerSecond}
}

// importDetection is for a file: nothing to protect but the user's wait.
// Tier 2 checks what tier 1 finds suspicious within half a core (in the
// benign shared log, one line in a thousand; a file of attacks sheds the
// rest, counted), and no clean exchange: at 1–5 ms a check, the Core Rule
// Set on every line would make an import of a million lines take an hour.
func importDetection() detectPolicy {
	return detectPolicy{partialHeaders: true, crsShare: importCRSShare}
}

// importCRSShare is the share of one core tier 2 may take in an import.
const importCRSShare = 0.5

// noDetectHelp is the help of --no-detect, which spoor proxy and spoor demo
// share.
const noDetectHelp = "turn attack tagging off: no libinjection, no Core Rule Set, no attack tags; exchanges are still stored, grouped into sessions and judged for abuse"

// cleanChecksPerSecond bounds how many exchanges that tier 1 found clean
// the Core Rule Set checks each second, whatever their cost: checking
// every clean request of a busy API would take the cores the proxy needs
// (measured: 0.07× nginx's throughput with no bound). The CPU share
// (crsCoreShare) is the tighter bound when checks cost more than a
// millisecond; this one holds when they cost less.
const cleanChecksPerSecond = 60

// rateBudget is a token bucket refilled at perSec tokens a second, holding
// at most one second's worth.
type rateBudget struct {
	mu     sync.Mutex
	perSec float64
	tokens float64
	last   time.Time
}

// take spends one token if there is one.
func (b *rateBudget) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = b.perSec
	} else {
		b.tokens = min(b.perSec, b.tokens+now.Sub(b.last).Seconds()*b.perSec)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// crsCoreShare is the share of one core the Core Rule Set may take, over
// all exchanges, suspicious ones included. A check costs 1–5 ms of CPU (2
// ms for a GET with a small JSON body), so without a bound an attack flood,
// or the one request in fifty of the benchmark mix that carries an attack,
// makes tier 2 take the CPU the proxy needs (measured: 0.57× the
// throughput of spoor proxy --no-detect). At 5% of a core, tier 2 checks
// some 25 exchanges a second; tier 1, which tags every attack on its own,
// still runs on all of them.
const crsCoreShare = 0.05

// timeBudget is a token bucket of tier-2 time: it refills at share
// seconds a second, holds at most one second's worth, and each check is
// charged what it took (its wall time, which is at least its CPU time and
// more when the machine is busy, so the budget tightens under load). A
// check that starts with budget left may overdraw it; the debt delays the
// next ones.
type timeBudget struct {
	mu     sync.Mutex
	share  float64
	tokens float64 // seconds
	last   time.Time
}

// allows reports whether a check may start now: a suspicious exchange
// while the budget is not overdrawn, a clean one while more than half of
// it is left, so that clean traffic never takes the time attacks need.
func (b *timeBudget) allows(now time.Time, suspicious bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = b.share
	} else if now.After(b.last) {
		b.tokens = min(b.share, b.tokens+now.Sub(b.last).Seconds()*b.share)
	}
	if now.After(b.last) {
		b.last = now
	}
	if suspicious {
		return b.tokens > 0
	}
	return b.tokens > b.share/2
}

// charge spends d of the budget.
func (b *timeBudget) charge(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens -= d.Seconds()
}

// newAttackDetector builds the detector once. The Core Rule Set takes a
// third of a second of CPU to load, so it loads in the background while
// tier 1 already tags. partialHeaders is for imported logs, which carry
// only some request headers.
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
	return &attackDetector{
		detector: d,
		schedule: detect.NewScheduler(detect.SchedulerOptions{}),
		budget:   &rateBudget{perSec: p.cleanPerSecond},
		cpu:      &timeBudget{share: p.crsShare},
		log:      log,
	}, nil
}

// Detect tags x: tier 1 always; tier 2 while its share of the CPU allows
// (suspicious exchanges first) and, for clean exchanges, while the backlog
// is small and the clean-check rate allows. A tier-2 failure keeps the
// tier-1 tags and is logged: detection must never cost the capture an
// exchange.
func (a *attackDetector) Detect(x *engine.Exchange, backlog int) {
	tags := a.detector.Tier1(x)
	suspicious := len(tags) > 0
	now := time.Now()
	affordable := a.cpu.allows(now, suspicious) && (suspicious || a.budget.take(now))
	checked := a.schedule.Tier2Within(suspicious, backlog, affordable)
	// The rules load in the background: the first check waits for them
	// (the wait is not the check's cost), and if they failed to load, which
	// newAttackDetector reports once, tier 1's tags stand.
	if checked && a.detector.Loaded() != nil {
		checked = false
	}
	if suspicious && !checked {
		a.unchecked.Add(1)
	}
	if checked {
		start := time.Now()
		deep, err := a.detector.Tier2(x, tags)
		a.cpu.charge(time.Since(start))
		if err != nil {
			a.log.Warn("core rule set check failed", "path", x.Path, "err", err)
		} else {
			tags = deep
		}
	}
	x.Attacks = tags
	x.Examined = engine.ExaminedTier1 | engine.ExaminedOff
	if checked {
		x.Examined = engine.ExaminedTier1 | engine.ExaminedCRS
	}
	if len(tags) > 0 {
		a.tagged.Add(1)
	}
}

// Stats are how many exchanges each tier checked.
func (a *attackDetector) Stats() detect.SchedulerStats { return a.schedule.Stats() }
