package mcp

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/conformance"
)

// TestConformanceSequences sends every sequence of testdata/sequences through
// the Analyzer and the Tracker in both protocol styles and checks the MCP
// sessions: which exchanges they group, their methods and primitives, and
// the signals raised. The check is conformance.CheckMCP, the one
// cmd/spoor-corpus-check runs over the go-sdk's sequences.
func TestConformanceSequences(t *testing.T) {
	seqs := loadSequences(t)
	want := conformance.MCPWant{
		// Anchors written by hand from the sequences, so that the derived
		// expectations cannot drift with the code that reads them.
		Anchors: map[string][2]map[string]int{
			"tools": {
				{"initialize": 1, "notifications/initialized": 1, "tools/list": 1, "tools/call": 4},
				{"search": 2, "add_to_cart": 2},
			},
			"resources": {
				{"initialize": 1, "notifications/initialized": 1, "resources/list": 1, "resources/read": 3, "resources/subscribe": 1},
				{"file:///catalog.csv": 2, "shop://orders/17": 2},
			},
			"mrtr":         {{"tools/call": 2}, {"quote": 2}},
			"discover":     {{"server/discover": 1}, {}},
			"lifecycle":    {{"tools/list": 1, "initialize": 1, "notifications/initialized": 1, "ping": 1}, {}},
			"bad_requests": {{"initialize": 1, "notifications/initialized": 1, "resources/read": 1, "prompts/get": 1, "admin/shutdown": 1, "logging/setLevel": 1, "completion/complete": 1}, {"file:///etc/passwd": 1, "jailbreak": 1}},
		},
		// The signals each sequence raises, by style: the two tool calls
		// against the schema and the two without a tools/list in both; a
		// request before initialize only where the handshake is required;
		// the five refusals of bad_requests make a burst in both.
		Signals: map[conformance.Style]map[string]map[string]int{
			conformance.WithSessionID: {
				"tools":        {SignalSchemaMismatch: 2},
				"mrtr":         {SignalUnlistedTool: 2},
				"lifecycle":    {SignalBeforeInitialize: 1},
				"bad_requests": {SignalErrorBurst: 1},
			},
			conformance.WithoutSessionID: {
				"tools":        {SignalSchemaMismatch: 2},
				"mrtr":         {SignalUnlistedTool: 2},
				"bad_requests": {SignalErrorBurst: 1},
			},
		},
	}
	use := func(a *engine.Analyzer) { a.Use(NewTracker(Options{})) }
	problems, messages := conformance.CheckMCP(seqs, use, want)
	for _, p := range problems {
		t.Error(p)
	}
	if messages == 0 {
		t.Error("no messages sent")
	}
}
