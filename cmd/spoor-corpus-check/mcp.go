package main

import (
	"fmt"
	"path/filepath"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/mcp"
	"github.com/spoorhq/spoor/internal/conformance"
)

// mcpConformancePath is the go-sdk's conformance sequences.
const mcpConformancePath = "mcp/go-sdk-conformance"

// mcpAnchors are the methods and primitives of some sequences, written by
// hand from the corpus, so that the expectations derived from the messages
// cannot drift with the code that reads them.
func mcpAnchors() map[string][2]map[string]int {
	return map[string][2]map[string]int{
		"tools": {
			{"initialize": 1, "notifications/initialized": 1, "tools/list": 1, "resources/list": 1, "prompts/list": 1, "tools/call": 8},
			{"greet": 2, "structured": 2, "tomorrow": 1, "inc": 2},
		},
		"resources": {
			{"initialize": 1, "notifications/initialized": 1, "resources/list": 1, "resources/read": 3, "resources/subscribe": 1},
			{"embedded:info": 1, "file:///info.txt": 1},
		},
		"mrtr":     {{"tools/call": 2}, {"confirmThenGreet": 2}},
		"discover": {{"server/discover": 1}, {}},
	}
}

// mcpSignals are the signals each sequence raises, by style: unlisted and
// mistyped tool calls in both; a request before initialize only where the
// handshake is required; in the WithoutSessionID style bad_requests' five
// errors share one session and make a burst.
func mcpSignals() map[conformance.Style]map[string]map[string]int {
	return map[conformance.Style]map[string]map[string]int{
		conformance.WithSessionID: {
			"tools":     {mcp.SignalSchemaMismatch: 2},
			"mrtr":      {mcp.SignalUnlistedTool: 2},
			"lifecycle": {mcp.SignalBeforeInitialize: 1},
		},
		conformance.WithoutSessionID: {
			"tools":        {mcp.SignalSchemaMismatch: 2},
			"mrtr":         {mcp.SignalUnlistedTool: 2},
			"bad_requests": {mcp.SignalErrorBurst: 1},
		},
	}
}

// checkMCP sends every conformance sequence through the Analyzer and the
// Tracker in both protocol styles and checks the MCP sessions: which
// exchanges they group, their methods and primitives, and the signals
// raised (conformance.CheckMCP, the check engine/mcp's tests run on their
// fixtures).
func checkMCP(dir string, r *report) error {
	seqs, err := conformance.LoadMCPSequences(filepath.Join(dir, mcpConformancePath))
	if err != nil {
		return err
	}
	use := func(a *engine.Analyzer) { a.Use(mcp.NewTracker(mcp.Options{})) }
	problems, messages := conformance.CheckMCP(seqs, use, conformance.MCPWant{Anchors: mcpAnchors(), Signals: mcpSignals()})
	r.problems = append(r.problems, problems...)
	r.summary = fmt.Sprintf("%d sequences in 2 styles, %d messages", len(seqs), messages)
	return nil
}
