package conformance

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
)

// The go-sdk conformance sequences are transport-agnostic JSON-RPC. The
// check sends them as streamable-HTTP POSTs, as the corpus README
// describes, in the two styles of the protocol: up to 2025-11-25 the server
// assigns an Mcp-Session-Id on the initialize answer and the client echoes
// it, and answers come as event streams; in 2026-07-28 there is no session
// id, and each request names its method and primitive in Mcp-Method and
// Mcp-Name.

// Style is how a sequence is framed in HTTP.
type Style string

// The two styles of the protocol.
const (
	WithSessionID    Style = "2025-11-25"
	WithoutSessionID Style = "2026-07-28"
)

// MCPSequence is one conformance file, in the go-sdk's txtar format: the
// messages the client sends and the ones the server answers, in order.
type MCPSequence struct {
	Name           string
	Client, Server []json.RawMessage
}

// MCPWant is what a set of sequences is expected to show beyond what the
// messages themselves say.
type MCPWant struct {
	// Anchors are the methods and primitives of some sequences, by name,
	// written by hand from the files, so that the expectations derived
	// from the messages cannot drift with the code that reads them.
	Anchors map[string][2]map[string]int
	// Signals are the signals each sequence raises, by style and name; a
	// sequence not listed raises none.
	Signals map[Style]map[string]map[string]int
}

// LoadMCPSequences reads every *.txtar file of dir.
func LoadMCPSequences(dir string) ([]MCPSequence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no conformance sequences in %s: %v", dir, err)
	}
	var out []MCPSequence
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read sequence: %w", err)
		}
		sections := txtarSections(data)
		seq := MCPSequence{Name: strings.TrimSuffix(filepath.Base(f), ".txtar")}
		if seq.Client, err = jsonStream(sections["client"]); err != nil {
			return nil, fmt.Errorf("%s client: %w", f, err)
		}
		if seq.Server, err = jsonStream(sections["server"]); err != nil {
			return nil, fmt.Errorf("%s server: %w", f, err)
		}
		if len(seq.Client) == 0 {
			return nil, fmt.Errorf("%s: no client messages", f)
		}
		out = append(out, seq)
	}
	return out, nil
}

// CheckMCP sends every sequence through an Analyzer, set up by use (which
// adds the MCP Tracker), in both protocol styles and checks the MCP
// sessions: which exchanges they group, their methods and primitives, and
// the signals raised. It returns the problems, each prefixed by
// style/sequence, and how many messages it sent.
func CheckMCP(seqs []MCPSequence, use func(*engine.Analyzer), want MCPWant) (problems Problems, messages int) {
	for _, st := range []Style{WithSessionID, WithoutSessionID} {
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("conformance")))
		use(a)
		for n, seq := range seqs {
			where := string(st) + "/" + seq.Name
			f, err := frame(seq, st, fmt.Sprintf("192.0.2.%d", 10+n))
			if err != nil {
				problems.add(where, "%v", err)
				continue
			}
			messages += len(f.exchanges)
			checkSequence(&problems, where, a, seq, st, f, want)
		}
	}
	return problems, messages
}

// checkSequence sends one framed sequence and checks its sessions.
func checkSequence(p *Problems, where string, a *engine.Analyzer, seq MCPSequence, st Style, f framed, want MCPWant) {
	sessions := map[string]engine.Session{}
	var ids []string
	for i, x := range f.exchanges {
		s := a.Process(x)
		if x.MCP == nil {
			p.add(where, "message %d (%s) not read as MCP", i, x.ReqBody.Data)
			return
		}
		sessions[s.ID] = s
		ids = append(ids, s.ID)
	}
	checkGrouping(p, where, st, f, ids, sessions)

	methods, primitives, gotSignals := map[string]int{}, map[string]int{}, map[string]int{}
	for _, s := range sessions {
		if s.MCP == nil {
			p.add(where, "session %s has no MCP summary", s.ID)
			return
		}
		addCounts(methods, s.MCP.Methods)
		addCounts(primitives, s.MCP.Primitives)
		addCounts(gotSignals, s.MCP.Signals)
	}
	wantMethods, wantPrimitives := expected(seq)
	if anchor, ok := want.Anchors[seq.Name]; ok && (!maps.Equal(anchor[0], wantMethods) || !maps.Equal(anchor[1], wantPrimitives)) {
		p.add(where, "sequence changed: derived %v %v, anchored %v %v", wantMethods, wantPrimitives, anchor[0], anchor[1])
		return
	}
	if !maps.Equal(methods, wantMethods) {
		p.add(where, "methods %v, want %v", methods, wantMethods)
	}
	if !maps.Equal(primitives, wantPrimitives) {
		p.add(where, "primitives %v, want %v", primitives, wantPrimitives)
	}
	wantSignals := want.Signals[st][seq.Name]
	if wantSignals == nil {
		wantSignals = map[string]int{}
	}
	if !maps.Equal(gotSignals, wantSignals) {
		var raised []string
		for _, x := range f.exchanges {
			for _, sig := range x.MCP.Signals {
				raised = append(raised, sig.Type+": "+sig.Message)
			}
		}
		p.add(where, "signals %v, want %v (raised: %s)", gotSignals, wantSignals, strings.Join(raised, "; "))
	}
}

// txtarSections splits a txtar archive into its files by name, the comment
// before the first file dropped. It is the few lines of the format the
// sequences need, rather than a dependency on golang.org/x/tools.
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
			return nil, fmt.Errorf("decode json: %w", err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, fmt.Errorf("compact json: %w", err)
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
func expected(seq MCPSequence) (methods, primitives map[string]int) {
	methods, primitives = map[string]int{}, map[string]int{}
	for _, raw := range seq.Client {
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
func frame(seq MCPSequence, st Style, ip string) (framed, error) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	out := framed{opened: -1}
	next, sid := 0, ""
	for i, raw := range seq.Client {
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
		case WithSessionID:
			if sid != "" {
				x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Session-Id", Value: sid}, engine.Header{Name: "MCP-Protocol-Version", Value: string(st)})
			}
		case WithoutSessionID:
			x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "MCP-Protocol-Version", Value: string(st)})
			if env.Method != "" {
				x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Method", Value: env.Method})
				if name := cmp.Or(env.Params.Name, env.Params.URI); name != "" {
					x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Name", Value: name})
				}
			}
		}
		if env.Method != "" && env.hasID() {
			if pre, resp, ok := answer(seq.Server, &next, env.ID); ok {
				respond(x, st, pre, resp)
				if st == WithSessionID && env.Method == "initialize" && sid == "" && len(readEnvelope(resp).Result) > 0 {
					sid = "sess-" + seq.Name
					out.opened = i
					x.RespHeaders = append(x.RespHeaders, engine.Header{Name: "Mcp-Session-Id", Value: sid})
				}
			}
		}
		out.exchanges = append(out.exchanges, x)
	}
	if next != len(seq.Server) {
		return out, fmt.Errorf("%d of %d server messages framed; the sequence does not pair up", next, len(seq.Server))
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
func respond(x *engine.Exchange, st Style, pre []json.RawMessage, resp json.RawMessage) {
	x.Status = 200
	var body bytes.Buffer
	ct := "application/json"
	if st == WithSessionID || len(pre) > 0 {
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
// the WithoutSessionID style the client's address and agent group it all.
func checkGrouping(p *Problems, where string, st Style, f framed, ids []string, sessions map[string]engine.Session) {
	if st == WithoutSessionID || f.opened < 0 {
		for i, id := range ids {
			if id != ids[0] {
				p.add(where, "message %d in session %s, message 0 in %s", i, id, ids[0])
			}
		}
		if key := sessions[ids[0]].KeyPoint; key != "req.ip+req.ua" {
			p.add(where, "grouped by %s, want req.ip+req.ua", key)
		}
		return
	}
	mcpSession := ids[f.opened]
	if key := sessions[mcpSession].KeyPoint; key != "resp.header.Mcp-Session-Id" {
		p.add(where, "MCP session keyed by %s, want resp.header.Mcp-Session-Id (opened by initialize)", key)
	}
	for i, id := range ids {
		if (i >= f.opened) != (id == mcpSession) {
			p.add(where, "message %d in session %s; the MCP session %s starts at message %d", i, id, mcpSession, f.opened)
		}
	}
}

func addCounts(dst, src map[string]int) {
	for k, n := range src {
		dst[k] += n
	}
}
