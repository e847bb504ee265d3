package mcp

import (
	"cmp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// t0 starts every timeline.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// call is one MCP POST of a test: a body, the answer, and who sends it.
type call struct {
	at        time.Duration
	ip, sid   string
	body      string
	status    int
	answer    string
	assignSID string // the Mcp-Session-Id the answer assigns
}

func (c call) exchange() *engine.Exchange {
	x := &engine.Exchange{
		Start: t0.Add(c.at), ClientIP: c.ip, Method: "POST", Host: "mcp.example.com", Path: "/mcp",
		ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "claude-code/1.0"}, {Name: "Content-Type", Value: "application/json"}},
		ReqBody:    engine.Body{Data: []byte(c.body)},
		Status:     cmp.Or(c.status, 200),
		RespHeaders: []engine.Header{
			{Name: "Content-Type", Value: "application/json"},
		},
		RespBody: engine.Body{Data: []byte(c.answer)},
	}
	if c.sid != "" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Session-Id", Value: c.sid})
	}
	if c.assignSID != "" {
		x.RespHeaders = append(x.RespHeaders, engine.Header{Name: "Mcp-Session-Id", Value: c.assignSID})
	}
	return x
}

// run analyses the calls with a tracker and returns every signal raised,
// and the last session.
func run(t *testing.T, opts Options, calls ...call) ([]engine.ProtocolSignal, engine.Session) {
	t.Helper()
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	a.Use(NewTracker(opts))
	var sigs []engine.ProtocolSignal
	var s engine.Session
	for _, c := range calls {
		x := c.exchange()
		s = a.Process(x)
		if x.MCP == nil {
			t.Fatalf("%s: not read as MCP", c.body)
		}
		sigs = append(sigs, x.MCP.Signals...)
	}
	return sigs, s
}

func types(sigs []engine.ProtocolSignal) string {
	var out []string
	for _, s := range sigs {
		out = append(out, s.Type)
	}
	return strings.Join(out, ",")
}

const (
	initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"claude-code","version":"1.0"}}}`
	initResult = `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}`
	toolsList  = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	toolsOf    = `{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"search","inputSchema":{"type":"object","properties":{"q":{"type":"string"},"limit":{"type":"integer"},"tags":{"type":["array","null"]},"score":{"type":"number"}},"required":["q"],"additionalProperties":false}}]}}`
)

func toolCall(id int, name, args string) string {
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"tools/call","params":{"name":"` + name + `","arguments":` + args + `}}`
}

// opening is the handshake and listing every session of these tests starts
// with, from 192.0.2.1 under session id S.
func opening() []call {
	return []call{
		{at: 0, ip: "192.0.2.1", body: initialize, answer: initResult, assignSID: "S"},
		{at: time.Second, ip: "192.0.2.1", sid: "S", body: toolsList, answer: toolsOf},
	}
}

func TestSchemaMismatch(t *testing.T) {
	tests := []struct {
		name, args, want string
	}{
		{"valid", `{"q":"shoes","limit":5,"tags":null,"score":0.5}`, ""},
		{"integral float is an integer", `{"q":"shoes","limit":5.0,"score":3}`, ""},
		{"missing required", `{"limit":5}`, `missing required property "q"`},
		{"no arguments", `null`, `missing required property "q"`},
		{"wrong types", `{"q":7,"limit":"5","tags":{}}`, `property "limit" has type string, the schema wants integer; property "q" has type integer, the schema wants string; property "tags" has type object, the schema wants array or null`},
		{"fraction is no integer", `{"q":"x","limit":2.5}`, `property "limit" has type number, the schema wants integer`},
		{"closed schema", `{"q":"x","admin":true}`, `property "admin" is not in the schema, which allows no others`},
		{"not an object", `["q"]`, `arguments have type array, not object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sigs, _ := run(t, Options{}, append(opening(), call{at: 2 * time.Second, ip: "192.0.2.1", sid: "S", body: toolCall(3, "search", tt.args), answer: `{"jsonrpc":"2.0","id":3,"result":{}}`})...)
			if tt.want == "" {
				if len(sigs) != 0 {
					t.Errorf("signals %+v, want none", sigs)
				}
				return
			}
			if len(sigs) != 1 || sigs[0].Type != SignalSchemaMismatch || !strings.HasSuffix(sigs[0].Message, ": "+tt.want) {
				t.Errorf("signals %+v, want a schema mismatch ending %q", sigs, tt.want)
			}
		})
	}
}

func TestUnlistedTool(t *testing.T) {
	sigs, s := run(t, Options{}, append(opening(), call{at: 2 * time.Second, ip: "192.0.2.1", sid: "S", body: toolCall(3, "delete_all", `{}`)})...)
	if types(sigs) != SignalUnlistedTool || !strings.Contains(sigs[0].Message, `"delete_all", which the session's tools/list did not offer (it offered 1 tools)`) {
		t.Errorf("signals %+v", sigs)
	}
	if s.MCP.Signals[SignalUnlistedTool] != 1 {
		t.Errorf("session counts %v", s.MCP.Signals)
	}
}

func TestBeforeInitializeOnce(t *testing.T) {
	sigs, _ := run(t, Options{},
		call{at: 0, ip: "192.0.2.1", sid: "stolen", body: `{"jsonrpc":"2.0","id":1,"method":"ping"}`},
		call{at: time.Second, ip: "192.0.2.1", sid: "stolen", body: toolsList, answer: toolsOf},
		call{at: 2 * time.Second, ip: "192.0.2.1", sid: "stolen", body: toolCall(3, "search", `{"q":"x"}`)},
	)
	if types(sigs) != SignalBeforeInitialize || !strings.HasPrefix(sigs[0].Message, "tools/list before initialize") {
		t.Errorf("signals %+v, want one before-initialize on tools/list", sigs)
	}
}

func TestSessionIPs(t *testing.T) {
	calls := append(opening(),
		call{at: 2 * time.Second, ip: "198.51.100.9", sid: "S", body: toolsList, answer: toolsOf},
		call{at: 3 * time.Second, ip: "198.51.100.9", sid: "S", body: toolsList, answer: toolsOf},
		call{at: 4 * time.Second, ip: "192.0.2.1", sid: "S", body: toolsList, answer: toolsOf},
		call{at: 5 * time.Second, ip: "203.0.113.4", sid: "S", body: toolsList, answer: toolsOf},
	)
	sigs, s := run(t, Options{}, calls...)
	if types(sigs) != SignalSessionIPs+","+SignalSessionIPs {
		t.Fatalf("signals %+v, want two new addresses", sigs)
	}
	if want := "Mcp-Session-Id sent from 3 addresses (192.0.2.1, 198.51.100.9, 203.0.113.4)"; !strings.HasPrefix(sigs[1].Message, want) {
		t.Errorf("message %q, want %q...", sigs[1].Message, want)
	}
	if len(s.IPs) != 3 || s.KeyPoint != "resp.header.Mcp-Session-Id" {
		t.Errorf("session %s with IPs %v", s.KeyPoint, s.IPs)
	}
}

func TestErrorBurst(t *testing.T) {
	failing := func(at time.Duration, i int) call {
		return call{at: at, ip: "192.0.2.1", sid: "S", body: toolCall(10+i, "search", `{"q":"x"}`),
			answer: `{"jsonrpc":"2.0","id":` + strconv.Itoa(10+i) + `,"result":{"content":[{"type":"text","text":"upstream down"}],"isError":true}}`}
	}
	var fast, slow []call
	fast, slow = opening(), opening()
	for i := range 9 {
		fast = append(fast, failing(time.Duration(2+i)*time.Second, i))
	}
	for i := range 6 {
		slow = append(slow, failing(time.Duration(2+10*i)*time.Second, i))
	}
	fast = append(fast, call{at: 12 * time.Second, ip: "192.0.2.1", sid: "S", body: toolsList, status: 404})
	sigs, _ := run(t, Options{}, fast...)
	if types(sigs) != SignalErrorBurst+","+SignalErrorBurst {
		t.Fatalf("signals %+v, want a burst at the 5th error and at the 10th", sigs)
	}
	if want := "5 errors within 4s (last tools/call: 0 upstream down)"; sigs[0].Message != want {
		t.Errorf("message %q, want %q", sigs[0].Message, want)
	}
	if !strings.HasSuffix(sigs[1].Message, "(last HTTP 404)") {
		t.Errorf("message %q, want the HTTP error last", sigs[1].Message)
	}
	if sigs, _ := run(t, Options{}, slow...); len(sigs) != 0 {
		t.Errorf("errors 10s apart raised %+v", sigs)
	}
	if sigs, _ := run(t, Options{ErrorBurst: 3, ErrorWindow: time.Minute}, slow...); types(sigs) != SignalErrorBurst+","+SignalErrorBurst {
		t.Errorf("with a burst of 3 in a minute: %+v", sigs)
	}
}

// TestTrackerIgnoresOtherTraffic checks that a plain exchange costs the
// tracker nothing and leaves it no state.
func TestTrackerIgnoresOtherTraffic(t *testing.T) {
	tr := NewTracker(Options{})
	x := &engine.Exchange{Start: t0, ClientIP: "192.0.2.1", Method: "GET", Path: "/products"}
	s := engine.Session{ID: "s-1"}
	tr.Observe(x, &s)
	if len(tr.sessions) != 0 || len(tr.ids) != 0 || s.MCP != nil {
		t.Errorf("state after plain traffic: %d sessions, %d ids, mcp %+v", len(tr.sessions), len(tr.ids), s.MCP)
	}
}

// TestTrackerForgetsIdleSessions checks that the state of quiet sessions is
// dropped, so that a long capture holds only the active ones.
func TestTrackerForgetsIdleSessions(t *testing.T) {
	tr := NewTracker(Options{Idle: time.Minute})
	for i := range sweepEvery {
		x := call{at: time.Duration(i) * time.Second, ip: "192.0.2.1", sid: "S" + strconv.Itoa(i), body: toolsList}.exchange()
		x.MCP = &engine.MCPInfo{Messages: []engine.MCPMessage{{ID: "2", Method: "tools/list"}}}
		s := engine.Session{ID: "s-" + strconv.Itoa(i), Part: 1}
		tr.Observe(x, &s)
	}
	if n := len(tr.sessions); n > 61 {
		t.Errorf("%d sessions kept, want the last minute's", n)
	}
	if n := len(tr.ids); n > 61 {
		t.Errorf("%d ids kept, want the last minute's", n)
	}
}
