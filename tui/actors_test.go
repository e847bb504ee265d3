package tui

import (
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// Actors whose label the engine derives (engine.Session.Label): an MCP
// client keyed by the session id its initialize answer assigned, and a
// browser's HAR recording, which has no client address and is keyed by its
// user agent.
var (
	mcpClient = actor{
		id: "b0bbf2031234-1", name: "resp.header.Mcp-Session-Id b0bbf203", keyPoint: "resp.header.Mcp-Session-Id",
		ips: []string{"198.51.100.30"}, agents: []string{"claude-code/1.0"},
	}
	harBrowser = actor{
		id: "4a5b6c7d8e9f-1", name: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", keyPoint: "req.ua",
		ips: []string{""}, agents: []string{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"},
	}
)

// actorsSource is the fixture with an MCP client and a HAR recording added.
func actorsSource() *fakeSource {
	src := fixtureSource()
	src.add(mcpClient,
		req{start: at(10, 5, 0, 0), method: "POST", path: "/mcp", status: 200, durMS: 12},
		req{start: at(10, 5, 1, 0), method: "POST", path: "/mcp", status: 200, durMS: 30},
	)
	src.add(harBrowser,
		req{start: at(10, 6, 0, 0), method: "GET", path: "/", status: 200, durMS: 80, respBytes: 9000},
		req{start: at(10, 6, 0, 400), method: "GET", path: "/api/v1/products", status: 200, durMS: 45, respBytes: 3000},
	)
	src.mu.Lock()
	defer src.mu.Unlock()
	foldMCP(src.sessions[mcpClient.id], &engine.MCPInfo{
		Messages:        []engine.MCPMessage{{ID: "1", Method: "initialize", Outcome: engine.MCPOutcomeResult}},
		ProtocolVersion: "2025-06-18", Client: "claude-code/1.0",
	})
	src.sessions[harBrowser.id].IPs = nil // a HAR records no client address
	return src
}

// TestActorLabels pins the sessions list showing an MCP client by its name
// and a HAR recording by its browser, as the CLI tables name them too.
func TestActorLabels(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newHarness(t, actorsSource(), nil, sz.w, sz.h)
			view := hs.view()
			for _, want := range []string{"claude-code/1.0 b0", "Firefox/133.0"} {
				if !strings.Contains(view, want) {
					t.Errorf("list at %s does not show %q:\n%s", sz.name, want, view)
				}
			}
			if strings.Contains(view, "(unidentified)") || strings.Contains(view, "resp.header.Mcp-Session-Id b0") {
				t.Errorf("list at %s still shows a key's display form for an MCP or HAR actor:\n%s", sz.name, view)
			}
			hs.golden()
		})
	}
	src := actorsSource()
	for id, want := range map[string]string{mcpClient.id: "claude-code/1.0 b0bbf203", harBrowser.id: "Firefox/133.0", bob.id: "bob"} {
		if got := src.sessions[id].Label(); got != want {
			t.Errorf("session %s: label %q, want %q", id, got, want)
		}
	}
}
