package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// maxJSONRPCBatch bounds the messages read from one batch: a client may send
// thousands in one body, and the summary needs the first few.
const maxJSONRPCBatch = 64

// JSONRPCMessage is one JSON-RPC 2.0 message: a request (method and id), a
// notification (method, no id), or a response (id with result or error).
// Params, Result and ID are kept raw, since their shape depends on the
// method and most readers want one member of them.
type JSONRPCMessage struct {
	Version string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *JSONRPCError   `json:"error,omitempty"`
}

// JSONRPCError is the error member of a JSON-RPC response.
type JSONRPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// HasID reports whether the message carries an id. A null id counts as
// none: it answers a request whose id could not be read.
func (m *JSONRPCMessage) HasID() bool { return len(m.ID) > 0 && string(m.ID) != "null" }

// IDText is the id as text, as MCPMessage.ID holds it: a string id
// unquoted, a number as written, "" for none.
func (m *JSONRPCMessage) IDText() string { return compactID(m.ID) }

// IsResponse reports whether the message answers a request.
func (m *JSONRPCMessage) IsResponse() bool {
	return m.Method == "" && (len(m.Result) > 0 || m.Error != nil)
}

// ParseJSONRPC reads a body holding one JSON-RPC message or a batch (a JSON
// array of them). It fails when the body is not JSON, when a batch is empty,
// or when no message declares "jsonrpc": "2.0"; messages of a batch that are
// not objects are skipped, as a server answers them with one error each.
func ParseJSONRPC(body []byte) ([]JSONRPCMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("json-rpc: empty body")
	}
	var msgs []JSONRPCMessage
	switch body[0] {
	case '{':
		var m JSONRPCMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("json-rpc message: %w", err)
		}
		msgs = append(msgs, m)
	case '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, fmt.Errorf("json-rpc batch: %w", err)
		}
		if len(raw) == 0 {
			return nil, errors.New("json-rpc batch: empty")
		}
		for _, r := range raw[:min(len(raw), maxJSONRPCBatch)] {
			var m JSONRPCMessage
			if json.Unmarshal(r, &m) == nil {
				msgs = append(msgs, m)
			}
		}
	default:
		return nil, errors.New("json-rpc: body is neither an object nor an array")
	}
	for _, m := range msgs {
		if m.Version == "2.0" {
			return msgs, nil
		}
	}
	return nil, errors.New(`json-rpc: no message declares "jsonrpc": "2.0"`)
}

// JSONRPCMessages returns the JSON-RPC messages of the request body, or of
// the response body when resp is set, inflating a compressed body and
// reading every event of a text/event-stream response. It returns nil for a
// body that holds none. Observers use it to read what Exchange.MCP leaves
// out, such as the tools a tools/list answer offers.
func JSONRPCMessages(x *Exchange, resp bool) []JSONRPCMessage {
	v := NewView(x)
	if resp && isEventStream(x.RespHeaders) {
		return sseMessages(v.body(true))
	}
	msgs, _ := ParseJSONRPC(v.body(resp))
	return msgs
}

// sseMessages parses the data of every event of an event stream as
// JSON-RPC, skipping events that hold none (the priming event a server sends
// so that a client can resume, for one).
func sseMessages(body []byte) []JSONRPCMessage {
	var out []JSONRPCMessage
	for _, ev := range ParseSSE(body) {
		if len(out) >= maxJSONRPCBatch {
			break
		}
		if msgs, err := ParseJSONRPC([]byte(ev.Data)); err == nil {
			out = append(out, msgs...)
		}
	}
	return out
}

// compactID renders a message id as text: a string id unquoted, a number as
// written. Requests and answers are matched by this text.
func compactID(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return jsonText(raw)
}
