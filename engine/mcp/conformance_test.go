package mcp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// The sequences, in the go-sdk conformance format, are transport-agnostic
// JSON-RPC. These tests send them as streamable-HTTP POSTs in the two styles of the protocol: up to 2025-11-25 the server assigns an
// Mcp-Session-Id on the initialize answer and the client echoes it, and
// answers come as event streams; in 2026-07-28 there is no session id, and
// each request names its method and primitive in Mcp-Method and Mcp-Name.

// style is how a sequence is framed in HTTP.
type style string

const (
	withSessionID    style = "2025-11-25"
	withoutSessionID style = "2026-07-28"
)

// t0 starts every timeline.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// envelope is what framing reads of a message.
type envelope struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
	} `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

func readEnvelope(raw json.RawMessage) envelope {
	var env envelope
	_ = json.Unmarshal(raw, &env) // params of the wrong shape leave the rest read
	return env
}

func (e envelope) hasID() bool { return len(e.ID) > 0 && string(e.ID) != "null" }

// framed is a sequence turned into exchanges.
type framed struct {
	exchanges []*engine.Exchange
	// opened is the index of the initialize whose answer assigned the
	// session id, -1 when none did.
	opened int
}

// frame turns a sequence into the exchanges a proxy captures: each client
// message a POST, each request answered by the server's next messages up to
// its response (server requests before it go into the same event stream),
// notifications and client answers acknowledged with 202.
func frame(t *testing.T, seq sequence, st style, ip string) framed {
	t.Helper()
	out := framed{opened: -1}
	next, sid := 0, ""
	for i, raw := range seq.client {
		env := readEnvelope(raw)
		x := &engine.Exchange{
			Start: t0.Add(time.Duration(i) * time.Second), Duration: 5 * time.Millisecond,
			ClientIP: ip, Method: "POST", Scheme: "https", Host: "mcp.example.com", Path: "/mcp",
			ReqHeaders: []engine.Header{
				{Name: "User-Agent", Value: "mcp-client/1.0"},
				{Name: "Content-Type", Value: "application/json"},
				{Name: "Accept", Value: "application/json, text/event-stream"},
			},
			ReqBody: engine.Body{Data: raw, Size: int64(len(raw))},
			Status:  202,
		}
		switch st {
		case withSessionID:
			if sid != "" {
				x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Session-Id", Value: sid}, engine.Header{Name: "MCP-Protocol-Version", Value: string(st)})
			}
		case withoutSessionID:
			x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "MCP-Protocol-Version", Value: string(st)})
			if env.Method != "" {
				x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Method", Value: env.Method})
				if name := cmp.Or(env.Params.Name, env.Params.URI); name != "" {
					x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Name", Value: name})
				}
			}
		}
		if env.Method != "" && env.hasID() {
			if pre, resp, ok := answer(seq.server, &next, env.ID); ok {
				respond(x, st, pre, resp)
				if st == withSessionID && env.Method == "initialize" && sid == "" && len(readEnvelope(resp).Result) > 0 {
					sid = "sess-" + seq.name
					out.opened = i
					x.RespHeaders = append(x.RespHeaders, engine.Header{Name: "Mcp-Session-Id", Value: sid})
				}
			}
		}
		out.exchanges = append(out.exchanges, x)
	}
	if next != len(seq.server) {
		t.Fatalf("%s: %d of %d server messages framed; the sequence does not pair up", seq.name, next, len(seq.server))
	}
	return out
}

// answer takes the server's messages from *next up to the response to id:
// the server requests before it, and the response.
func answer(server []json.RawMessage, next *int, id json.RawMessage) (pre []json.RawMessage, resp json.RawMessage, ok bool) {
	for j := *next; j < len(server); j++ {
		env := readEnvelope(server[j])
		if env.Method != "" {
			pre = append(pre, server[j])
			continue
		}
		if !bytes.Equal(env.ID, id) {
			return nil, nil, false
		}
		*next = j + 1
		return pre, server[j], true
	}
	return nil, nil, false
}

// respond sets the answer: an event stream in the session style, or when
// server requests come first; plain JSON otherwise.
func respond(x *engine.Exchange, st style, pre []json.RawMessage, resp json.RawMessage) {
	x.Status = 200
	var body bytes.Buffer
	ct := "application/json"
	if st == withSessionID || len(pre) > 0 {
		ct = "text/event-stream"
		body.WriteString("id: 0\ndata:\n\n") // the priming event of 2025-11-25 servers
		for k, m := range append(pre, resp) {
			fmt.Fprintf(&body, "id: %d\nevent: message\ndata: %s\n\n", k+1, m)
		}
	} else {
		body.Write(resp)
	}
	x.RespHeaders = append(x.RespHeaders, engine.Header{Name: "Content-Type", Value: ct})
	x.RespBody = engine.Body{Data: body.Bytes(), Size: int64(body.Len())}
}

// expected counts the methods and primitives of a sequence's client
// messages, read independently of the engine.
func expected(seq sequence) (methods, primitives map[string]int) {
	methods, primitives = map[string]int{}, map[string]int{}
	for _, raw := range seq.client {
		env := readEnvelope(raw)
		if env.Method == "" {
			continue
		}
		methods[env.Method]++
		switch env.Method {
		case "tools/call", "prompts/get":
			if env.Params.Name != "" {
				primitives[env.Params.Name]++
			}
		case "resources/read", "resources/subscribe", "resources/unsubscribe":
			if env.Params.URI != "" {
				primitives[env.Params.URI]++
			}
		}
	}
	return methods, primitives
}

// TestConformanceSequences sends every sequence of testdata/sequences through
// the Analyzer and the Tracker in both protocol styles and checks the MCP
// sessions: which exchanges they group, their methods and primitives, and
// the signals raised.
func TestConformanceSequences(t *testing.T) {
	seqs := loadSequences(t)
	// Anchors written by hand from the sequences, so that the derived
	// expectations cannot drift with the code that reads them.
	anchors := map[string][2]map[string]int{
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
	}
	// The signals each sequence raises, by style: the two tool calls
	// against the schema and the two without a tools/list in both; a
	// request before initialize only where the handshake is required; the
	// five refusals of bad_requests make a burst in both.
	signals := map[style]map[string]map[string]int{
		withSessionID: {
			"tools":        {SignalSchemaMismatch: 2},
			"mrtr":         {SignalUnlistedTool: 2},
			"lifecycle":    {SignalBeforeInitialize: 1},
			"bad_requests": {SignalErrorBurst: 1},
		},
		withoutSessionID: {
			"tools":        {SignalSchemaMismatch: 2},
			"mrtr":         {SignalUnlistedTool: 2},
			"bad_requests": {SignalErrorBurst: 1},
		},
	}
	for _, st := range []style{withSessionID, withoutSessionID} {
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("conformance")))
		a.Use(NewTracker(Options{}))
		for n, seq := range seqs {
			t.Run(string(st)+"/"+seq.name, func(t *testing.T) {
				f := frame(t, seq, st, fmt.Sprintf("192.0.2.%d", 10+n))
				sessions := map[string]engine.Session{}
				var ids []string
				for i, x := range f.exchanges {
					s := a.Process(x)
					if x.MCP == nil {
						t.Fatalf("message %d (%s) not read as MCP", i, x.ReqBody.Data)
					}
					sessions[s.ID] = s
					ids = append(ids, s.ID)
				}
				checkGrouping(t, st, f, ids, sessions)

				methods, primitives := map[string]int{}, map[string]int{}
				gotSignals := map[string]int{}
				for _, s := range sessions {
					if s.MCP == nil {
						t.Fatalf("session %s has no MCP summary", s.ID)
					}
					addCounts(methods, s.MCP.Methods)
					addCounts(primitives, s.MCP.Primitives)
					addCounts(gotSignals, s.MCP.Signals)
				}
				wantMethods, wantPrimitives := expected(seq)
				if anchor, ok := anchors[seq.name]; ok && (!maps.Equal(anchor[0], wantMethods) || !maps.Equal(anchor[1], wantPrimitives)) {
					t.Fatalf("sequence changed: derived %v %v, anchored %v %v", wantMethods, wantPrimitives, anchor[0], anchor[1])
				}
				if !maps.Equal(methods, wantMethods) {
					t.Errorf("methods = %v, want %v", methods, wantMethods)
				}
				if !maps.Equal(primitives, wantPrimitives) {
					t.Errorf("primitives = %v, want %v", primitives, wantPrimitives)
				}
				wantSignals := signals[st][seq.name]
				if wantSignals == nil {
					wantSignals = map[string]int{}
				}
				if !maps.Equal(gotSignals, wantSignals) {
					t.Errorf("signals = %v, want %v", gotSignals, wantSignals)
					for _, x := range f.exchanges {
						for _, sig := range x.MCP.Signals {
							t.Logf("%s: %s", sig.Type, sig.Message)
						}
					}
				}
			})
		}
	}
}

// checkGrouping asserts how a framed sequence groups: in the session style,
// the initialize that opens the session and everything after it share one
// session keyed by the id, and what came before (no id yet) is apart; in
// the withoutSessionID style the client's address and agent group it all.
func checkGrouping(t *testing.T, st style, f framed, ids []string, sessions map[string]engine.Session) {
	t.Helper()
	if st == withoutSessionID || f.opened < 0 {
		for i, id := range ids {
			if id != ids[0] {
				t.Errorf("message %d in session %s, message 0 in %s", i, id, ids[0])
			}
		}
		if key := sessions[ids[0]].KeyPoint; key != "req.ip+req.ua" {
			t.Errorf("grouped by %s, want req.ip+req.ua", key)
		}
		return
	}
	mcpSession := ids[f.opened]
	if key := sessions[mcpSession].KeyPoint; key != "resp.header.Mcp-Session-Id" {
		t.Errorf("MCP session keyed by %s, want resp.header.Mcp-Session-Id (opened by initialize)", key)
	}
	for i, id := range ids {
		if (i >= f.opened) != (id == mcpSession) {
			t.Errorf("message %d in session %s; the MCP session %s starts at message %d", i, id, mcpSession, f.opened)
		}
	}
}

func addCounts(dst, src map[string]int) {
	for k, n := range src {
		dst[k] += n
	}
}
