package main

import (
	"fmt"
	"log/slog"
	"sync"
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
// Rule Set) on the suspicious ones always and on the others while analysis
// keeps up. It satisfies ingest.Detector.
type attackDetector struct {
	detector *detect.Detector
	schedule *detect.Scheduler
	budget   *rateBudget
	log      *slog.Logger
}

// cleanChecksPerSecond bounds how many exchanges that tier 1 found clean
// the Core Rule Set checks each second. A check costs 2–5 ms of CPU, so
// checking every clean request of a busy API would take the cores the proxy
// needs (measured: 0.07× nginx's throughput with no budget); at this rate
// tier 2 uses about a quarter of one core on clean traffic.
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

// newAttackDetector builds the detector once (the Core Rule Set takes a
// fraction of a second to load). partialHeaders is for imported logs, which
// carry only some request headers.
func newAttackDetector(log *slog.Logger, partialHeaders bool) (*attackDetector, error) {
	d, err := detect.New(detect.Options{Paranoia: 1, PartialHeaders: partialHeaders})
	if err != nil {
		return nil, fmt.Errorf("attack detection: %w", err)
	}
	return &attackDetector{
		detector: d,
		schedule: detect.NewScheduler(detect.SchedulerOptions{}),
		budget:   &rateBudget{perSec: cleanChecksPerSecond},
		log:      log,
	}, nil
}

// Detect tags x: tier 1 always; tier 2 on suspicious exchanges, and on
// clean ones while the backlog is small and the budget allows. A tier-2 failure keeps the tier-1 tags and is logged:
// detection must never cost the capture an exchange.
func (a *attackDetector) Detect(x *engine.Exchange, backlog int) {
	tags := a.detector.Tier1(x)
	suspicious := len(tags) > 0
	affordable := suspicious || a.budget.take(time.Now())
	if a.schedule.Tier2Within(suspicious, backlog, affordable) {
		deep, err := a.detector.Tier2(x, tags)
		if err != nil {
			a.log.Warn("core rule set check failed", "path", x.Path, "err", err)
		} else {
			tags = deep
		}
	}
	x.Attacks = tags
}

// Stats are how many exchanges each tier checked.
func (a *attackDetector) Stats() detect.SchedulerStats { return a.schedule.Stats() }
