package main

import (
	"fmt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
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
