package engine

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// mcpPost is an MCP request as a streamable-HTTP client sends it.
func mcpPost(offset time.Duration, body string, headers ...string) *Exchange {
	x := exchangeAt(offset, "POST", "/mcp", "192.0.2.7", append([]string{"User-Agent", "mcp-client/1.0", "Accept", "application/json, text/event-stream"}, headers...)...)
	return withBody(x, "application/json", body)
}

func TestMCPPoints(t *testing.T) {
	tests := []struct {
		name, point string
		x           *Exchange
		want        string
	}{
		{"method", "req.mcp.method", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{"Name":"you"}}}`), "tools/call"},
		{"tool name", "req.mcp.name", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet"}}`), "greet"},
		{"prompt name", "req.mcp.name", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"code_review"}}`), "code_review"},
		{"resource uri", "req.mcp.name", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///info.txt"}}`), "file:///info.txt"},
		{"batch first method", "req.mcp.method", mcpPost(0, `[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]`), "notifications/initialized"},
		{"batch first name", "req.mcp.name", mcpPost(0, `[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"inc"}}]`), "inc"},
		{"cut body", "req.mcp.name", mcpPost(0, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"greet","arguments":{"Name":"y`), "greet"},
		{"headers of 2026-07-28", "req.mcp.method", mcpPost(0, `{"jsonrpc":"2.0","id":1,"meth`, "Mcp-Method", "tools/call", "Mcp-Name", "greet"), "tools/call"},
		{"header name of 2026-07-28", "req.mcp.name", mcpPost(0, `{"jsonrpc":"2.0","id":1,"meth`, "Mcp-Method", "tools/call", "Mcp-Name", "greet"), "greet"},
		{"session from request", "req.mcp.session", mcpPost(0, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, "Mcp-Session-Id", "S-1"), "S-1"},
		{"session from initialize response", "req.mcp.session", withResponse(mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`), 200, `{}`, "Mcp-Session-Id", "S-2"), "S-2"},
		{"other json-rpc api", "req.mcp.method", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[]}`), ""},
		{"json-rpc api with mcp header", "req.mcp.method", mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"custom"}`, "Mcp-Session-Id", "S"), "custom"},
		{"not json", "req.mcp.method", withBody(exchangeAt(0, "POST", "/mcp", "192.0.2.7"), "text/plain", `"jsonrpc" method=tools/call`), ""},
		{"get is no call", "req.mcp.method", exchangeAt(0, "GET", "/mcp?jsonrpc=2.0", "192.0.2.7"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewView(tt.x)
			p := MustParsePoint(tt.point)
			if got := v.Value(p); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.point, got, tt.want)
			}
			if got := v.Value(p); got != tt.want {
				t.Errorf("second read of %s = %q, want %q", tt.point, got, tt.want)
			}
		})
	}
}

func TestMCPInfo(t *testing.T) {
	t.Run("initialize", func(t *testing.T) {
		x := withResponse(mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"claude-code","version":"1.0"}}}`),
			200, `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}`, "Content-Type", "application/json", "Mcp-Session-Id", "S")
		m := NewView(x).MCP()
		if m == nil || m.Method() != "initialize" || m.Client != "claude-code/1.0" || m.ProtocolVersion != "2025-06-18" {
			t.Fatalf("info = %+v, want initialize by claude-code/1.0 at the negotiated 2025-06-18", m)
		}
		if got := m.Messages[0].Outcome; got != MCPOutcomeResult {
			t.Errorf("outcome %q, want result", got)
		}
	})
	t.Run("sse answer with a server request before it", func(t *testing.T) {
		stream := "id: 0\ndata:\n\n" +
			"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"roots/list\"}\n\n" +
			"data: {\"jsonrpc\":\"2.0\",\"id\":6,\r\ndata: \"result\":{\"content\":[{\"type\":\"text\",\"text\":\"no such user\"}],\"isError\":true}}\r\n\r\n"
		x := withResponse(mcpPost(0, `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"lookup","arguments":{ "user" : "x" }}}`, "Mcp-Session-Id", "S"),
			200, stream, "Content-Type", "text/event-stream")
		m := NewView(x).MCP()
		if m == nil || !m.Stream || len(m.Messages) != 1 {
			t.Fatalf("info = %+v", m)
		}
		msg := m.Messages[0]
		if msg.Outcome != MCPOutcomeToolError || msg.Error == nil || msg.Error.Message != "no such user" || msg.Arguments != `{"user":"x"}` {
			t.Errorf("message = %+v, error %+v", msg, msg.Error)
		}
		if m.Errors() != 1 {
			t.Errorf("Errors() = %d, want 1", m.Errors())
		}
	})
	t.Run("batch answered by a batch", func(t *testing.T) {
		x := withResponse(mcpPost(0, `[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","id":"b","method":"tools/call"},{"jsonrpc":"2.0","method":"notifications/initialized"}]`),
			200, `[{"jsonrpc":"2.0","id":"b","error":{"code":-32602,"message":"missing params"}},{"jsonrpc":"2.0","id":"a","result":{}}]`, "Content-Type", "application/json")
		m := NewView(x).MCP()
		if m == nil || len(m.Messages) != 3 {
			t.Fatalf("info = %+v", m)
		}
		if m.Messages[0].Outcome != MCPOutcomeResult || m.Messages[1].Error == nil || m.Messages[1].Error.Code != -32602 || m.Messages[2].Outcome != "" {
			t.Errorf("messages = %+v", m.Messages)
		}
	})
	t.Run("2026-07-28 meta", func(t *testing.T) {
		x := mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"ExampleClient","version":"1.0.0"}}}}`,
			"Mcp-Method", "server/discover")
		m := NewView(x).MCP()
		if m == nil || m.ProtocolVersion != "2026-07-28" || m.Client != "ExampleClient/1.0.0" || m.Method() != "server/discover" {
			t.Errorf("info = %+v", m)
		}
	})
	t.Run("delete ends", func(t *testing.T) {
		x := exchangeAt(0, "DELETE", "/mcp", "192.0.2.7", "Mcp-Session-Id", "S")
		if m := NewView(x).MCP(); m == nil || !m.End || m.Method() != "" {
			t.Errorf("info = %+v, want an end", m)
		}
		if m := NewView(exchangeAt(0, "DELETE", "/orders/1", "192.0.2.7")).MCP(); m != nil {
			t.Errorf("a plain DELETE read as MCP: %+v", m)
		}
	})
	t.Run("long arguments are cut", func(t *testing.T) {
		arg := strings.Repeat("é", maxMCPArguments)
		x := mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"n","arguments":{"a":"`+arg+`"}}}`)
		got := NewView(x).MCP().Messages[0].Arguments
		if len(got) > maxMCPArguments+len("…") || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
			t.Errorf("arguments cut to %d bytes, ending %q", len(got), got[max(0, len(got)-10):])
		}
	})
}

func TestParseJSONRPC(t *testing.T) {
	for _, bad := range []string{"", "  ", "[]", `"x"`, `{"id":1,"method":"m"}`, `[1,2]`, `{"jsonrpc":"2.0"`} {
		if msgs, err := ParseJSONRPC([]byte(bad)); err == nil {
			t.Errorf("ParseJSONRPC(%q) = %+v, want an error", bad, msgs)
		}
	}
	msgs, err := ParseJSONRPC([]byte(` [ {"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}, 3, {"jsonrpc":"2.0","id":"x","result":{}} ] `))
	if err != nil || len(msgs) != 2 || msgs[0].HasID() || !msgs[0].IsResponse() || !msgs[1].HasID() {
		t.Errorf("ParseJSONRPC = %+v, %v", msgs, err)
	}
}

func TestParseSSE(t *testing.T) {
	tests := []struct {
		name, in string
		want     []SSEEvent
	}{
		{"one event", "data: {}\n\n", []SSEEvent{{Data: "{}"}}},
		{"crlf and cr", "event: message\r\ndata: a\r\rdata:b\r\n\r\n", []SSEEvent{{Event: "message", Data: "a"}, {Data: "b"}}},
		{"multi-line data", "data: 1\ndata:  2\n\n", []SSEEvent{{Data: "1\n 2"}}},
		{"comment and id", ": keep-alive\nid: 7\ndata: x\n\ndata: y\n\n", []SSEEvent{{ID: "7", Data: "x"}, {ID: "7", Data: "y"}}},
		{"no data is no event", "id: 1\nevent: e\n\n", nil},
		{"unterminated event dropped", "data: a\n\ndata: {\"cut", []SSEEvent{{Data: "a"}}},
		{"unterminated line dropped", "data: a\n\ndata: b\n", []SSEEvent{{Data: "a"}}},
		{"bom and field without colon", "\xef\xbb\xbfdata\n\n", []SSEEvent{{Data: ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseSSE([]byte(tt.in))
			if len(got) != len(tt.want) {
				t.Fatalf("ParseSSE = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("event %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// BenchmarkAnalyzeMCP measures Analyzer.Process on a tools/call answered
// as an event stream, the costliest MCP exchange: both bodies decoded, the
// answer matched to the call by id.
func BenchmarkAnalyzeMCP(b *testing.B) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	stream := "id: 1\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"12 in stock\"}]}}\n\n"
	tmpl := withResponse(mcpPost(0, `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"check_stock","arguments":{"product_id":7}}}`,
		"Mcp-Session-Id", "5f2b8c0e9d1a4b7c", "MCP-Protocol-Version", "2025-11-25"), 200, stream, "Content-Type", "text/event-stream")
	var x Exchange
	b.ReportAllocs()
	for b.Loop() {
		x = *tmpl
		a.Process(&x)
	}
	if x.MCP == nil || x.MCP.Messages[0].Outcome != MCPOutcomeResult {
		b.Fatalf("unexpected analysis: %+v", x.MCP)
	}
}
