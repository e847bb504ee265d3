package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/mcp"
)

// mcpConformancePath is the go-sdk's conformance sequences.
const mcpConformancePath = "mcp/go-sdk-conformance"

// The go-sdk conformance sequences are transport-agnostic JSON-RPC. The
// check sends them as streamable-HTTP POSTs, as the corpus README
// describes, in the two styles of the protocol: up to 2025-11-25 the server
// assigns an Mcp-Session-Id on the initialize answer and the client echoes
// it, and answers come as event streams; in 2026-07-28 there is no session
// id, and each request names its method and primitive in Mcp-Method and
// Mcp-Name.

// style is how a sequence is framed in HTTP.
type style string

const (
	withSessionID    style = "2025-11-25"
	withoutSessionID style = "2026-07-28"
)

// sequence is one go-sdk conformance file: the messages the client sends
// and the ones the server answers, in order.
type sequence struct {
	name           string
	client, server []json.RawMessage
}

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
// handshake is required; in the withoutSessionID style bad_requests' five
// errors share one session and make a burst.
func mcpSignals() map[style]map[string]map[string]int {
	return map[style]map[string]map[string]int{
		withSessionID: {
			"tools":     {mcp.SignalSchemaMismatch: 2},
			"mrtr":      {mcp.SignalUnlistedTool: 2},
			"lifecycle": {mcp.SignalBeforeInitialize: 1},
		},
		withoutSessionID: {
			"tools":        {mcp.SignalSchemaMismatch: 2},
			"mrtr":         {mcp.SignalUnlistedTool: 2},
			"bad_requests": {mcp.SignalErrorBurst: 1},
		},
	}
}

// checkMCP sends every conformance sequence through the Analyzer and the
// Tracker in both protocol styles and checks the MCP sessions: which
// exchanges they group, their methods and primitives, and the signals
// raised.
func checkMCP(dir string, r *report) error {
	seqs, err := loadSequences(filepath.Join(dir, mcpConformancePath))
	if err != nil {
		return err
	}
	anchors, signals := mcpAnchors(), mcpSignals()
	messages := 0
	for _, st := range []style{withSessionID, withoutSessionID} {
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("conformance")))
		a.Use(mcp.NewTracker(mcp.Options{}))
		for n, seq := range seqs {
			where := string(st) + "/" + seq.name
			f, err := frame(seq, st, fmt.Sprintf("192.0.2.%d", 10+n))
			if err != nil {
				r.errorf("%s: %v", where, err)
				continue
			}
			sessions := map[string]engine.Session{}
			var ids []string
			for i, x := range f.exchanges {
				s := a.Process(x)
				if x.MCP == nil {
					r.errorf("%s: message %d (%s) not read as MCP", where, i, x.ReqBody.Data)
				}
				sessions[s.ID] = s
				ids = append(ids, s.ID)
			}
			messages += len(f.exchanges)
			checkGrouping(r, where, st, f, ids, sessions)

			methods, primitives, gotSignals := map[string]int{}, map[string]int{}, map[string]int{}
			for _, s := range sessions {
				if s.MCP == nil {
					r.errorf("%s: session %s has no MCP summary", where, s.ID)
					continue
				}
				addCounts(methods, s.MCP.Methods)
				addCounts(primitives, s.MCP.Primitives)
				addCounts(gotSignals, s.MCP.Signals)
			}
			wantMethods, wantPrimitives := expected(seq)
			if anchor, ok := anchors[seq.name]; ok && (!maps.Equal(anchor[0], wantMethods) || !maps.Equal(anchor[1], wantPrimitives)) {
				r.errorf("%s: corpus changed: derived %v %v, anchored %v %v", where, wantMethods, wantPrimitives, anchor[0], anchor[1])
			}
			if !maps.Equal(methods, wantMethods) {
				r.errorf("%s: methods %v, want %v", where, methods, wantMethods)
			}
			if !maps.Equal(primitives, wantPrimitives) {
				r.errorf("%s: primitives %v, want %v", where, primitives, wantPrimitives)
			}
			wantSignals := signals[st][seq.name]
			if wantSignals == nil {
				wantSignals = map[string]int{}
			}
			if !maps.Equal(gotSignals, wantSignals) {
				r.errorf("%s: signals %v, want %v", where, gotSignals, wantSignals)
			}
		}
	}
	r.summary = fmt.Sprintf("%d sequences in 2 styles, %d messages", len(seqs), messages)
	return nil
}

// loadSequences reads every conformance file of dir.
func loadSequences(dir string) ([]sequence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no conformance sequences in %s: %v", dir, err)
	}
	var out []sequence
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sections := txtarSections(data)
		seq := sequence{name: strings.TrimSuffix(filepath.Base(f), ".txtar")}
		if seq.client, err = jsonStream(sections["client"]); err != nil {
			return nil, fmt.Errorf("%s client: %w", f, err)
		}
		if seq.server, err = jsonStream(sections["server"]); err != nil {
			return nil, fmt.Errorf("%s server: %w", f, err)
		}
		if len(seq.client) == 0 {
			return nil, fmt.Errorf("%s: no client messages", f)
		}
		out = append(out, seq)
	}
	return out, nil
}

// txtarSections splits a txtar archive into its files by name, the comment
// before the first file dropped.
func txtarSections(data []byte) map[string][]byte {
	out := map[string][]byte{}
	name := ""
	for line := range bytes.Lines(data) {
		trimmed := bytes.TrimRight(line, "\r\n")
		if bytes.HasPrefix(trimmed, []byte("-- ")) && bytes.HasSuffix(trimmed, []byte(" --")) && len(trimmed) > 6 {
			name = string(trimmed[3 : len(trimmed)-3])
			out[name] = []byte{}
			continue
		}
		if name != "" {
			out[name] = append(out[name], line...)
		}
	}
	return out
}

// jsonStream reads concatenated JSON values, each compacted.
func jsonStream(data []byte) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []json.RawMessage
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		out = append(out, buf.Bytes())
	}
}

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
func frame(seq sequence, st style, ip string) (framed, error) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
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
		return out, fmt.Errorf("%d of %d server messages framed; the sequence does not pair up", next, len(seq.server))
	}
	return out, nil
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

// checkGrouping checks how a framed sequence groups: in the session style,
// the initialize that opens the session and everything after it share one
// session keyed by the id, and what came before (no id yet) is apart; in
// the withoutSessionID style the client's address and agent group it all.
func checkGrouping(r *report, where string, st style, f framed, ids []string, sessions map[string]engine.Session) {
	if st == withoutSessionID || f.opened < 0 {
		for i, id := range ids {
			if id != ids[0] {
				r.errorf("%s: message %d in session %s, message 0 in %s", where, i, id, ids[0])
			}
		}
		if key := sessions[ids[0]].KeyPoint; key != "req.ip+req.ua" {
			r.errorf("%s: grouped by %s, want req.ip+req.ua", where, key)
		}
		return
	}
	mcpSession := ids[f.opened]
	if key := sessions[mcpSession].KeyPoint; key != "resp.header.Mcp-Session-Id" {
		r.errorf("%s: MCP session keyed by %s, want resp.header.Mcp-Session-Id (opened by initialize)", where, key)
	}
	for i, id := range ids {
		if (i >= f.opened) != (id == mcpSession) {
			r.errorf("%s: message %d in session %s; the MCP session %s starts at message %d", where, i, id, mcpSession, f.opened)
		}
	}
}

func addCounts(dst, src map[string]int) {
	for k, n := range src {
		dst[k] += n
	}
}
