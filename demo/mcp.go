package demo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The demo's MCP server speaks streamable HTTP as of protocol 2025-11-25:
// JSON-RPC posted to /mcp, a session id assigned on the initialize answer
// and required after it, DELETE to end the session, 202 for notifications.
// It answers tool calls as an event stream when the client accepts one, as
// real servers do for calls that may take a while, and everything else as
// JSON. It offers no server-to-client stream: GET answers 405, which the
// specification allows.
const (
	mcpProtocolVersion = "2025-11-25"
	// mcpSessionTTL forgets sessions a client abandoned without DELETE,
	// and maxMCPSessions bounds them however many clients come.
	mcpSessionTTL  = 30 * time.Minute
	maxMCPSessions = 1000
	maxMCPResults  = 10
)

// JSON-RPC and MCP error codes the server answers with.
const (
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcMethodNotFound = -32601
	rpcInvalidParams  = -32602
	mcpNoResource     = -32002
)

// mcpServer is the state behind /mcp: the live sessions.
type mcpServer struct {
	catalog *catalog
	newID   func() string

	mu       sync.Mutex
	sessions map[string]time.Time // session id → last use
}

// routeMCP mounts the MCP endpoint on mux.
func (s *api) routeMCP(mux *http.ServeMux) {
	m := &mcpServer{catalog: s.catalog, newID: s.auth.newID, sessions: map[string]time.Time{}}
	quick := delay{base: time.Millisecond, spread: 5 * time.Millisecond, slowChance: 0.05, slow: 80 * time.Millisecond}
	mux.HandleFunc("POST /mcp", s.slowed(quick, m.post))
	mux.HandleFunc("DELETE /mcp", s.slowed(quick, m.end))
	mux.HandleFunc("GET /mcp", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "POST, DELETE")
		writeError(w, http.StatusMethodNotAllowed, "this server offers no server-to-client stream")
	})
}

// rpcMessage is a JSON-RPC 2.0 message, in either direction.
type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// post handles one JSON-RPC message.
func (m *mcpServer) post(w http.ResponseWriter, r *http.Request) {
	var msg rpcMessage
	if err := decodeBody(w, r, &msg); err != nil || msg.JSONRPC != "2.0" {
		// A batch lands here too: protocol 2025-06-18 removed batching.
		writeRPC(w, http.StatusBadRequest, rpcReply(nil, nil, &rpcError{rpcParseError, "want one JSON-RPC 2.0 message"}), "", false)
		return
	}
	if msg.Method == "initialize" {
		m.initialize(w, msg)
		return
	}
	sid := r.Header.Get("Mcp-Session-Id")
	switch {
	case sid == "":
		writeRPC(w, http.StatusBadRequest, rpcReply(msg.ID, nil, &rpcError{rpcInvalidRequest, "Mcp-Session-Id required: call initialize first"}), "", false)
		return
	case !m.touch(sid):
		writeRPC(w, http.StatusNotFound, rpcReply(msg.ID, nil, &rpcError{rpcInvalidRequest, "unknown or expired session: initialize again"}), "", false)
		return
	}
	if len(msg.ID) == 0 || msg.Method == "" {
		w.WriteHeader(http.StatusAccepted) // a notification, or an answer to a server request
		return
	}
	result, rerr := m.dispatch(msg)
	// A tool call may take a while, so it is answered as a stream when
	// the client accepts one, as real servers do.
	stream := msg.Method == "tools/call" && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
	writeRPC(w, http.StatusOK, rpcReply(msg.ID, result, rerr), "", stream)
}

// initialize opens a session, agreeing on the client's version when the
// server knows it and on its own otherwise.
func (m *mcpServer) initialize(w http.ResponseWriter, msg rpcMessage) {
	var p struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	if len(msg.ID) == 0 || json.Unmarshal(msg.Params, &p) != nil {
		writeRPC(w, http.StatusBadRequest, rpcReply(msg.ID, nil, &rpcError{rpcInvalidRequest, "initialize needs an id and params"}), "", false)
		return
	}
	version := mcpProtocolVersion
	if slices.Contains([]string{"2025-03-26", "2025-06-18"}, p.ProtocolVersion) {
		version = p.ProtocolVersion
	}
	sid := m.open(time.Now())
	writeRPC(w, http.StatusOK, rpcReply(msg.ID, map[string]any{
		"protocolVersion": version,
		"capabilities":    map[string]any{"tools": map[string]any{}, "resources": map[string]any{}, "prompts": map[string]any{}},
		"serverInfo":      map[string]string{"name": "spoor-demo-shop", "version": "1.0.0"},
		"instructions":    "Tools and resources of the spoor demo shop: search the catalog, read products, check stock.",
	}, nil), sid, false)
}

// open starts a session, dropping expired ones and, when still full, any
// one, so that the map stays bounded.
func (m *mcpServer) open(now time.Time) string {
	sid := m.newID()
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, last := range m.sessions {
		if now.Sub(last) > mcpSessionTTL || len(m.sessions) >= maxMCPSessions {
			delete(m.sessions, id)
		}
	}
	m.sessions[sid] = now
	return sid
}

// touch reports whether sid is a live session and marks it used.
func (m *mcpServer) touch(sid string) bool {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.sessions[sid]
	if !ok || now.Sub(last) > mcpSessionTTL {
		delete(m.sessions, sid)
		return false
	}
	m.sessions[sid] = now
	return true
}

// end is DELETE /mcp: the client ends its session.
func (m *mcpServer) end(w http.ResponseWriter, r *http.Request) {
	sid := r.Header.Get("Mcp-Session-Id")
	m.mu.Lock()
	_, ok := m.sessions[sid]
	delete(m.sessions, sid)
	m.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown session")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// rpcReply builds the answer to the request with the given id.
func rpcReply(id json.RawMessage, result any, rerr *rpcError) rpcMessage {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	if rerr == nil && result == nil {
		result = map[string]any{}
	}
	return rpcMessage{JSONRPC: "2.0", ID: id, Result: result, Error: rerr}
}

// writeRPC writes an answer, as an event stream when stream is set. sid,
// when set, is the session the answer assigns.
func writeRPC(w http.ResponseWriter, status int, msg rpcMessage, sid string, stream bool) {
	if sid != "" {
		w.Header().Set("Mcp-Session-Id", sid)
	}
	if !stream {
		writeJSON(w, status, msg)
		return
	}
	data, err := json.Marshal(msg)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "cannot encode the answer")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "id: 1\nevent: message\ndata: %s\n\n", data)
}
