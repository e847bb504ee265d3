package sequence

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestOperation(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    engine.Exchange
		want string
	}{
		{"plain", engine.Exchange{Path: "/api"}, ""},
		{"tool call", engine.Exchange{MCP: &engine.MCPInfo{Messages: []engine.MCPMessage{{ID: "3", Method: "tools/call", Name: "search_orders"}}}}, "tools/call search_orders"},
		{"batch", engine.Exchange{MCP: &engine.MCPInfo{Messages: []engine.MCPMessage{{Method: "tools/list"}, {Method: "prompts/list"}}}}, "tools/list +1"},
		{"end", engine.Exchange{MCP: &engine.MCPInfo{End: true}}, "end session"},
		{"listen", engine.Exchange{MCP: &engine.MCPInfo{Listen: true}}, "listen"},
		{"no messages", engine.Exchange{MCP: &engine.MCPInfo{}}, ""},
		{"control chars", engine.Exchange{MCP: &engine.MCPInfo{Messages: []engine.MCPMessage{{Method: "tools/call", Name: "x\x1b[31my"}}}}, `tools/call x\x1b[31my`},
		{"graphql", engine.Exchange{GQL: &engine.GQLInfo{Type: "query", Name: "GetOrders", Fields: []string{"orders", "user"}}}, "query GetOrders {orders, user}"},
		{"anonymous mutation", engine.Exchange{GQL: &engine.GQLInfo{Type: "mutation", Fields: []string{"pay"}}}, "mutation {pay}"},
		{"graphql error", engine.Exchange{GQL: &engine.GQLInfo{Error: "syntax"}}, "graphql (unparsed)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Operation(&tc.x); got != tc.want {
				t.Errorf("Operation = %q, want %q", got, tc.want)
			}
		})
	}
}
