package engine

import (
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mcpSequence is a short MCP session of a client that also sends a bearer
// token: initialize opens it, DELETE ends it.
func mcpSequence() []*Exchange {
	auth := []string{"Authorization", "Bearer opaque-token"}
	sid := append([]string{"Mcp-Session-Id", "S-1", "MCP-Protocol-Version", "2025-11-25"}, auth...)
	ok := func(x *Exchange, id int) *Exchange {
		return withResponse(x, 200, `{"jsonrpc":"2.0","id":`+strconv.Itoa(id)+`,"result":{}}`, "Content-Type", "application/json")
	}
	return []*Exchange{
		withResponse(mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","clientInfo":{"name":"claude-code","version":"1.0"}}}`, auth...),
			200, `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}`, "Content-Type", "application/json", "Mcp-Session-Id", "S-1"),
		withResponse(mcpPost(time.Second, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, sid...), 202, ""),
		ok(mcpPost(2*time.Second, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, sid...), 2),
		ok(mcpPost(3*time.Second, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{"Name":"a"}}}`, sid...), 3),
		ok(mcpPost(4*time.Second, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"greet","arguments":{"Name":"b"}}}`, sid...), 4),
		ok(mcpPost(5*time.Second, `{"jsonrpc":"2.0","id":5,"method":"resources/read","params":{"uri":"file:///info.txt"}}`, sid...), 5),
		ok(mcpPost(6*time.Second, `{"jsonrpc":"2.0","id":6,"method":"prompts/get","params":{"name":"code_review","arguments":{"Code":"x"}}}`, sid...), 6),
		withResponse(exchangeAt(7*time.Second, "DELETE", "/mcp", "192.0.2.7", sid...), 204, ""),
	}
}

// TestSessionMCP checks that a session carries the methods and primitives
// of its MCP traffic, that initialize joins the session its response opens
// even next to a bearer token, and that other sessions say null.
func TestSessionMCP(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	var s Session
	for i, x := range mcpSequence() {
		s = a.Process(x)
		if i > 0 && x.SessionID != s.ID {
			t.Fatalf("exchange %d in session %s, want %s", i, x.SessionID, s.ID)
		}
		if x.MCP == nil {
			t.Fatalf("exchange %d: no MCP read", i)
		}
	}
	if s.Requests != 8 || s.KeyPoint != "resp.header.Mcp-Session-Id" {
		t.Errorf("session of %d requests keyed by %s, want all 8 keyed by the initialize response", s.Requests, s.KeyPoint)
	}
	wantMethods := map[string]int{"initialize": 1, "notifications/initialized": 1, "tools/list": 1, "tools/call": 2, "resources/read": 1, "prompts/get": 1}
	wantPrimitives := map[string]int{"greet": 2, "file:///info.txt": 1, "code_review": 1}
	if s.MCP == nil || !maps.Equal(s.MCP.Methods, wantMethods) || !maps.Equal(s.MCP.Primitives, wantPrimitives) {
		t.Fatalf("mcp = %+v, want methods %v primitives %v", s.MCP, wantMethods, wantPrimitives)
	}
	if !s.MCP.Ended || s.MCP.Client != "claude-code/1.0" || s.MCP.ProtocolVersion != "2025-11-25" {
		t.Errorf("ended %v client %q version %q", s.MCP.Ended, s.MCP.Client, s.MCP.ProtocolVersion)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"mcp":{"methods":{`) || !strings.Contains(string(js), `"primitives":{"code_review":1,"file:///info.txt":1,"greet":2}`) {
		t.Errorf("session JSON %s lacks the mcp summary", js)
	}

	plain := a.Process(exchangeAt(8*time.Second, "GET", "/products", "198.51.100.1", "User-Agent", "curl/8"))
	js, _ = json.Marshal(plain)
	if plain.MCP != nil || !strings.Contains(string(js), `"mcp":null`) {
		t.Errorf("non-MCP session: mcp %+v, JSON %s", plain.MCP, js)
	}
}

func TestSessionMCPClone(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	var s Session
	for _, x := range mcpSequence() {
		s = a.Process(x)
	}
	c := s.Clone()
	c.MCP.Methods["tools/call"] = 99
	c.MCP.Primitives["x"] = 1
	c.MCP.Ended = false
	if s.MCP.Methods["tools/call"] != 2 || s.MCP.Primitives["x"] != 0 || !s.MCP.Ended {
		t.Errorf("changing a clone changed the original: %+v", s.MCP)
	}
}

// signalEveryCall records one signal per tools/call, as engine/mcp does.
type signalEveryCall struct{}

func (signalEveryCall) Observe(x *Exchange, s *Session) {
	if x.MCP != nil && x.MCP.Method() == "tools/call" {
		s.AddMCPSignal(x, ProtocolSignal{Type: "test_call", Message: "a call"})
	}
}

// TestObserverSignals checks that what an observer records lasts on the live
// session, and that a session rebuilt from the stored exchanges counts the
// same signals.
func TestObserverSignals(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	a.Use(signalEveryCall{})
	var s Session
	stored := mcpSequence()
	for _, x := range stored {
		s = a.Process(x)
	}
	if s.MCP.Signals["test_call"] != 2 {
		t.Errorf("live session counts %v, want 2 test_call", s.MCP.Signals)
	}
	if got := stored[3].MCP.Signals; len(got) != 1 || got[0].Type != "test_call" {
		t.Errorf("exchange signals = %+v", got)
	}
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	var again *Session
	for _, x := range stored {
		again = z.Assign(x)
	}
	if again.MCP.Signals["test_call"] != 2 || !maps.Equal(again.MCP.Methods, s.MCP.Methods) {
		t.Errorf("rebuilt session mcp = %+v, want %+v", again.MCP, s.MCP)
	}
}

// TestMCPScrubbed checks that a hashed parameter's clear value does not
// survive in what the exchange records of its tool arguments.
func TestMCPScrubbed(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Context = []ContextParam{{Point: "req.json.params.arguments.card", Hash: true}}
	a := mustAnalyzer(t, cfg)
	x := mcpPost(0, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"card":"4111111111111111"}}}`, "Mcp-Session-Id", "S")
	a.Process(x)
	if args := x.MCP.Messages[0].Arguments; strings.Contains(args, "4111111111111111") || !strings.Contains(args, "card") {
		t.Errorf("arguments stored as %s", args)
	}
}

func TestSessionMCPBounded(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	var s Session
	for i := range 3 * maxMCPDistinct {
		s = a.Process(mcpPost(time.Duration(i)*time.Millisecond, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t`+strconv.Itoa(i)+`"}}`, "Mcp-Session-Id", "S"))
	}
	if n := len(s.MCP.Primitives); n > maxMCPDistinct+1 || s.MCP.Primitives[mcpOther] == 0 {
		t.Errorf("%d distinct primitives, other %d", n, s.MCP.Primitives[mcpOther])
	}
}
