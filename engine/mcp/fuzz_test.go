package mcp

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// FuzzMCP feeds arbitrary request and answer bodies through the engine's
// MCP reading and the Tracker: a tools/list answer (whose schemas the
// tracker learns), then a request. Nothing may panic, and what the engine
// records must hold together.
func FuzzMCP(f *testing.F) {
	f.Add([]byte(toolCall(3, "search", `{"q":7}`)), []byte(toolsOf), []byte(`{"jsonrpc":"2.0","id":3,"result":{}}`), false)
	f.Add([]byte(`[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]`), []byte(`{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"x","inputSchema":{"type":["a",1]}}]}}`), []byte("data: {\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}\n\n"), true)
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"q":"x`), []byte(`{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"search","inputSchema":{"properties":{"q":{"type":7}},"required":"q"}}]}}`), []byte(`{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}`), false)
	f.Add([]byte(initialize), []byte(`[]`), []byte(initResult), false)
	for _, seq := range loadSequences(f) {
		for _, m := range seq.Client {
			f.Add([]byte(m), []byte(toolsOf), []byte(`{}`), false)
		}
	}
	f.Fuzz(func(t *testing.T, body, listAnswer, answer []byte, stream bool) {
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
		a.Use(NewTracker(Options{ErrorBurst: 2}))
		list := call{at: 0, ip: "192.0.2.1", sid: "S", body: toolsList, answer: string(listAnswer)}.exchange()
		a.Process(list)
		x := call{at: time.Second, ip: "192.0.2.2", sid: "S", body: string(body), answer: string(answer)}.exchange()
		if stream {
			x.RespHeaders[0].Value = "text/event-stream"
		}
		s := a.Process(x)
		if x.MCP == nil {
			t.Fatal("an exchange with an Mcp-Session-Id was not read as MCP")
		}
		if m := x.MCP.Method(); m != "" && s.MCP.Methods[m] == 0 && len(s.MCP.Methods) < 128 {
			t.Fatalf("method %q not counted on the session: %v", m, s.MCP.Methods)
		}
		for _, msg := range x.MCP.Messages {
			if len(msg.Arguments) > 600 {
				t.Fatalf("arguments of %d bytes recorded", len(msg.Arguments))
			}
			if (msg.Error != nil) != (msg.Outcome == engine.MCPOutcomeError || msg.Outcome == engine.MCPOutcomeToolError) {
				t.Fatalf("outcome %q with error %+v", msg.Outcome, msg.Error)
			}
		}
		for _, sig := range x.MCP.Signals {
			if sig.Type == "" || sig.Message == "" || s.MCP.Signals[sig.Type] == 0 {
				t.Fatalf("signal %+v not explained or not counted (%v)", sig, s.MCP.Signals)
			}
		}
	})
}

// FuzzSSE checks that ParseSSE never panics, that an event's data holds no
// line break but the ones joining its data lines, and that writing the
// events back as a stream reads the same events.
func FuzzSSE(f *testing.F) {
	f.Add([]byte("id: 0\ndata:\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\"}\r\n\r\n"))
	f.Add([]byte("\xef\xbb\xbf: comment\rdata: a\rdata: b\r\rdata: cut"))
	f.Add([]byte("data\nid: \x00\nretry: 10\n\n:\n\n"))
	for _, seq := range loadSequences(f) {
		for _, m := range seq.Server {
			f.Add([]byte("id: 1\nevent: message\ndata: " + string(m) + "\n\n"))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events := engine.ParseSSE(body)
		var again bytes.Buffer
		for _, ev := range events {
			if strings.ContainsRune(ev.Data, '\r') {
				t.Fatalf("data %q holds a carriage return", ev.Data)
			}
			for line := range strings.SplitSeq(ev.Data, "\n") {
				again.WriteString("data: " + line + "\n")
			}
			again.WriteString("\n")
		}
		back := engine.ParseSSE(again.Bytes())
		if len(back) != len(events) {
			t.Fatalf("%d events read back as %d", len(events), len(back))
		}
		for i := range back {
			if back[i].Data != events[i].Data {
				t.Fatalf("event %d data %q read back as %q", i, events[i].Data, back[i].Data)
			}
		}
	})
}
