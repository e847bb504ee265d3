package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/mcp"
)

// TestMCPAgentSessions runs the MCP agent's tasks against the API and the
// captured traffic through the engine: each task must be one MCP session,
// keyed by the id its initialize answer assigned, ended by DELETE, with the
// methods and primitives of the task, and no signal but the schema
// mistakes the agent makes on purpose.
func TestMCPAgentSessions(t *testing.T) {
	capt := &capturer{api: NewAPI(APIOptions{Seed: 1})}
	srv := httptest.NewServer(capt)
	defer srv.Close()
	a := fastAgent(t, KindMCPAgent, srv, 3)
	const tasks = 3
	for range tasks {
		if err := a.mcpTask(t.Context()); err != nil {
			t.Fatalf("task: %v", err)
		}
	}
	an := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	an.Use(mcp.NewTracker(mcp.Options{}))
	sessions := map[string]engine.Session{}
	for _, x := range capt.exchanges() {
		if x.Status >= 300 {
			t.Errorf("%s %s answered %d: %s", x.Method, x.ReqBody.Data, x.Status, x.RespBody.Data)
		}
		s := an.Process(x)
		sessions[s.ID] = s
	}
	if len(sessions) != tasks {
		t.Fatalf("%d sessions, want one per task", len(sessions))
	}
	for _, s := range sessions {
		m := s.MCP
		if m == nil || s.KeyPoint != "resp.header.Mcp-Session-Id" || !m.Ended || m.Client != "claude-code/1.0" || m.ProtocolVersion != mcpProtocolVersion {
			t.Fatalf("session %s keyed by %s: %+v", s.ID, s.KeyPoint, m)
		}
		for _, method := range []string{"initialize", "notifications/initialized", "tools/list", "resources/read", "tools/call", "prompts/get"} {
			if m.Methods[method] == 0 {
				t.Errorf("session %s: no %s in %v", s.ID, method, m.Methods)
			}
		}
		for _, p := range []string{"search_products", "shop://catalog/categories", "compare_products"} {
			if m.Primitives[p] == 0 {
				t.Errorf("session %s: no %s in %v", s.ID, p, m.Primitives)
			}
		}
		for typ := range m.Signals {
			if typ != mcp.SignalSchemaMismatch {
				t.Errorf("session %s: signal %s (%v)", s.ID, typ, m.Signals)
			}
		}
	}
}

// mcpRequest posts one message to /mcp with the given session id.
func mcpRequest(t *testing.T, srv *httptest.Server, method, sid, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/mcp", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if sid != "" {
		req.Header.Set("Mcp-Session-Id", sid)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestMCPServer checks the transport rules the demo server follows.
func TestMCPServer(t *testing.T) {
	srv := httptest.NewServer(NewAPI(APIOptions{Seed: 1}))
	defer srv.Close()
	resp, body := mcpRequest(t, srv, http.MethodPost, "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}`)
	sid := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || sid == "" || !strings.Contains(body, `"protocolVersion":"2025-06-18"`) {
		t.Fatalf("initialize: %d, sid %q, %s", resp.StatusCode, sid, body)
	}
	tests := []struct {
		name, method, sid, body string
		status                  int
		want                    string
		stream                  bool
	}{
		{"no session", "POST", "", `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, 400, `"code":-32600`, false},
		{"unknown session", "POST", "nope", `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, 404, `"code":-32600`, false},
		{"batch", "POST", sid, `[{"jsonrpc":"2.0","id":2,"method":"ping"}]`, 400, `"code":-32700`, false},
		{"notification", "POST", sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, 202, "", false},
		{"tools", "POST", sid, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`, 200, `"name":"search_products"`, false},
		{"call streams", "POST", sid, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"check_stock","arguments":{"product_id":7}}}`, 200, `in stock`, true},
		{"bad arguments", "POST", sid, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_product","arguments":{"id":"7"}}}`, 200, `"isError":true`, true},
		{"unknown tool", "POST", sid, `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"rm"}}`, 200, `"code":-32602`, true},
		{"unknown method", "POST", sid, `{"jsonrpc":"2.0","id":7,"method":"sampling/createMessage"}`, 200, `"code":-32601`, false},
		{"resource", "POST", sid, `{"jsonrpc":"2.0","id":8,"method":"resources/read","params":{"uri":"shop://policies/returns"}}`, 200, `# Returns`, false},
		{"missing resource", "POST", sid, `{"jsonrpc":"2.0","id":9,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}`, 200, `"code":-32002`, false},
		{"prompt", "POST", sid, `{"jsonrpc":"2.0","id":10,"method":"prompts/get","params":{"name":"compare_products","arguments":{"a":"1","b":"2"}}}`, 200, `Compare product 1 with product 2`, false},
		{"no stream", "GET", sid, ``, 405, ``, false},
		{"end", "DELETE", sid, ``, 204, ``, false},
		{"ended", "POST", sid, `{"jsonrpc":"2.0","id":11,"method":"ping"}`, 404, ``, false},
	}
	for _, tt := range tests {
		resp, body := mcpRequest(t, srv, tt.method, tt.sid, tt.body)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s, want %d with %s", tt.name, resp.StatusCode, body, tt.status, tt.want)
		}
		if stream := contentType(resp.Header) == "text/event-stream"; stream != tt.stream {
			t.Errorf("%s: answered as %s", tt.name, resp.Header.Get("Content-Type"))
		}
		if tt.stream {
			var msg rpcMessage
			if err := json.Unmarshal(lastEventData([]byte(body)), &msg); err != nil || msg.JSONRPC != "2.0" {
				t.Errorf("%s: stream %q holds no JSON-RPC answer: %v", tt.name, body, err)
			}
		}
	}
}
