package workstation

import (
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
	"github.com/spoorhq/spoor/engine/gql"
	"github.com/spoorhq/spoor/engine/mcp"
	"github.com/spoorhq/spoor/engine/spec"
	"github.com/spoorhq/spoor/store"
)

// NewAnalyzer builds the analysis every path into the store runs (the
// proxy, the demo, imports, regroups): grouping, context and flows from
// cfg, then the observers: the API specifications cfg lists (read here),
// which label each request's endpoint, then those that judge each session
// as it grows: MCP signals, GraphQL checks and the abuse verdicts, last,
// because they read what the others recorded.
func NewAnalyzer(cfg engine.Config, secret []byte) (*engine.Analyzer, error) {
	specs, err := LoadSpecs(cfg)
	if err != nil {
		return nil, err
	}
	return analyzerWith(cfg, secret, specs)
}

// analyzerWith is NewAnalyzer with the specifications already loaded.
func analyzerWith(cfg engine.Config, secret []byte, specs *spec.Set) (*engine.Analyzer, error) {
	a, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher(secret))
	if err != nil {
		return nil, err
	}
	abuseCfg := abuse.DefaultConfig()
	abuseCfg.Logins = cfg.Logins
	verdicts, err := abuse.NewTracker(abuseCfg)
	if err != nil {
		return nil, fmt.Errorf("abuse detection: %w", err)
	}
	if specs != nil {
		a.Use(specs)
	}
	a.Use(mcp.NewTracker(mcp.Options{}), gql.NewInspector(gql.Options{}), verdicts)
	return a, nil
}

// continueSessions builds the analyzer for cfg over st and has it continue
// the session parts of actors seen before, keeping part numbers growing so
// old parts are never overwritten: a capture after a restart, or an import
// after a capture, extends actors' sessions instead of restarting them.
func continueSessions(st *store.Store, cfg engine.Config, specs *spec.Set) (*engine.Analyzer, error) {
	a, err := analyzerWith(cfg, st.Secret(), specs)
	if err != nil {
		return nil, err
	}
	if err := restoreSessions(st, a); err != nil {
		return nil, err
	}
	return a, nil
}

// restoreSessions re-opens the stored session parts in a's sessionizer, so
// that an exchange joins the stored part its time falls in, however late
// it comes.
func restoreSessions(st *store.Store, a *engine.Analyzer) error {
	previous, err := st.Sessions(0)
	if err != nil {
		return fmt.Errorf("restore sessions: %w", err)
	}
	for _, s := range previous {
		a.Sessionizer().Restore(s)
	}
	return nil
}

// Grouper regroups stored exchanges with a whole analyzer rather than a
// bare sessionizer, so that what the observers add to a session (user,
// role, MCP, abuse verdicts) is rebuilt with it. It satisfies
// store.Grouper.
type Grouper struct{ A *engine.Analyzer }

// Assign analyses x and returns its session.
func (g Grouper) Assign(x *engine.Exchange) *engine.Session {
	s := g.A.Process(x)
	return &s
}

// Evict closes the sessions idle at now.
func (g Grouper) Evict(now time.Time) int { return g.A.Sessionizer().Evict(now) }
