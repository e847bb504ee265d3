package engine

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// MCP over streamable HTTP is JSON-RPC posted to one endpoint. Most traffic
// is not MCP, so the View decides with headers and a byte search before it
// decodes anything: an MCP header (Mcp-Session-Id, Mcp-Method,
// MCP-Protocol-Version) or a JSON POST whose body mentions "jsonrpc". A
// JSON-RPC body counts as MCP when it carries an MCP header or calls an MCP
// method, so that other JSON-RPC APIs (Ethereum nodes, say) stay plain
// traffic.

// MCP headers of the streamable HTTP transport.
const (
	headerMCPSession  = "Mcp-Session-Id"
	headerMCPMethod   = "Mcp-Method"
	headerMCPName     = "Mcp-Name"
	headerMCPProtocol = "MCP-Protocol-Version"
)

// maxMCPArguments bounds the arguments an exchange records; the body keeps
// them whole.
const maxMCPArguments = 512

// metaPrefix starts the _meta keys of protocol 2026-07-28, which carries in
// every request what initialize used to negotiate once.
const metaPrefix = "io.modelcontextprotocol/"

// MCP returns what the exchange carries of MCP, or nil when it is not MCP
// traffic. It decodes once per exchange.
func (v *View) MCP() *MCPInfo {
	if !v.proto.mcpDone {
		v.proto.mcpDone = true
		v.proto.mcp = v.readMCP()
	}
	return v.proto.mcp
}

func (v *View) readMCP() *MCPInfo {
	x := v.x
	headers := hasMCPHeader(x)
	switch x.Method {
	case "POST":
	case "DELETE":
		if x.ReqHeader(headerMCPSession) == "" {
			return nil
		}
		return &MCPInfo{End: true, ProtocolVersion: x.ReqHeader(headerMCPProtocol)}
	case "GET":
		if !headers || !strings.Contains(x.ReqHeader("Accept"), "text/event-stream") {
			return nil
		}
		return &MCPInfo{Listen: true, Stream: isEventStream(x.RespHeaders), ProtocolVersion: x.ReqHeader(headerMCPProtocol)}
	default:
		return nil
	}
	if !headers && !mayBeJSONRPC(x.ReqHeaders, v.body(false)) {
		return nil
	}
	info := &MCPInfo{Stream: isEventStream(x.RespHeaders)}
	body := v.body(false)
	msgs, err := ParseJSONRPC(body)
	if err != nil {
		msgs = scanJSONRPC(body)
	}
	known := false
	for i := range msgs {
		msg := mcpMessage(&msgs[i], info)
		known = known || isMCPMethod(msg.Method)
		info.Messages = append(info.Messages, msg)
	}
	if len(info.Messages) == 0 && x.ReqHeader(headerMCPMethod) != "" {
		// A body cut before its method: the 2026-07-28 headers still say
		// what the request is.
		info.Messages = append(info.Messages, MCPMessage{Method: x.ReqHeader(headerMCPMethod), Name: x.ReqHeader(headerMCPName)})
	}
	if !headers && !known {
		return nil
	}
	if pv := x.ReqHeader(headerMCPProtocol); pv != "" {
		info.ProtocolVersion = pv
	}
	v.mcpOutcomes(info)
	return info
}

// hasMCPHeader reports whether the exchange carries a header of the MCP
// transport.
func hasMCPHeader(x *Exchange) bool {
	for _, h := range x.ReqHeaders {
		if strings.EqualFold(h.Name, headerMCPSession) || strings.EqualFold(h.Name, headerMCPMethod) || strings.EqualFold(h.Name, headerMCPProtocol) {
			return true
		}
	}
	return x.RespHeader(headerMCPSession) != ""
}

// mayBeJSONRPC is the cheap test a body passes before it is decoded: JSON
// (by its Content-Type when it has one) that mentions "jsonrpc".
func mayBeJSONRPC(hs []Header, body []byte) bool {
	if ct := headerValue(hs, "Content-Type"); ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return false
	}
	return looksLikeJSON(body) && bytes.Contains(body, []byte(`"jsonrpc"`))
}

// scanJSONRPC reads the method and primitive of a single message whose body
// does not decode, typically because the capture cap cut it: the members
// before the cut are still there.
func scanJSONRPC(body []byte) []JSONRPCMessage {
	raw, ok := jsonLookup(body, "method", false)
	if !ok {
		return nil
	}
	m := JSONRPCMessage{Version: "2.0", Method: jsonText(raw)}
	if id, ok := jsonLookup(body, "id", false); ok {
		m.ID = id
	}
	for _, member := range []string{"name", "uri"} {
		if val, ok := jsonLookup(body, "params."+member, false); ok {
			m.Params, _ = json.Marshal(map[string]json.RawMessage{member: val})
			break
		}
	}
	return []JSONRPCMessage{m}
}

// isMCPMethod reports whether method belongs to MCP: its lifecycle methods
// or a method in one of its namespaces.
func isMCPMethod(method string) bool {
	switch method {
	case "initialize", "ping":
		return true
	}
	ns, _, ok := strings.Cut(method, "/")
	if !ok {
		return false
	}
	switch ns {
	case "tools", "resources", "prompts", "completion", "logging", "notifications",
		"server", "subscriptions", "roots", "sampling", "elicitation", "tasks":
		return true
	}
	return false
}

// mcpParams are the members of params spoor reads, whatever the method.
type mcpParams struct {
	Name            string             `json:"name"`
	URI             string             `json:"uri"`
	Arguments       json.RawMessage    `json:"arguments"`
	ProtocolVersion string             `json:"protocolVersion"`
	ClientInfo      *mcpImplementation `json:"clientInfo"`
	Ref             *struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
	} `json:"ref"`
	Meta map[string]json.RawMessage `json:"_meta"`
}

type mcpImplementation struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (impl *mcpImplementation) String() string {
	if impl == nil || impl.Name == "" {
		return ""
	}
	if impl.Version == "" {
		return impl.Name
	}
	return impl.Name + "/" + impl.Version
}

// mcpMessage summarises one client message, and takes the protocol version
// and client it declares into info.
func mcpMessage(msg *JSONRPCMessage, info *MCPInfo) MCPMessage {
	out := MCPMessage{ID: compactID(msg.ID), Method: msg.Method}
	if msg.Method == "" || len(msg.Params) == 0 || msg.Params[0] != '{' {
		return out
	}
	var p mcpParams
	// A member of the wrong type leaves the others decoded, which is all a
	// summary needs.
	_ = json.Unmarshal(msg.Params, &p)
	switch msg.Method {
	case "tools/call", "prompts/get":
		out.Name = p.Name
		out.Arguments = compactArguments(p.Arguments)
	case "resources/read", "resources/subscribe", "resources/unsubscribe":
		out.Name = p.URI
	case "completion/complete":
		if p.Ref != nil {
			out.Name = cmp.Or(p.Ref.Name, p.Ref.URI)
		}
	case "initialize":
		if info.ProtocolVersion == "" {
			info.ProtocolVersion = p.ProtocolVersion
		}
		if info.Client == "" {
			info.Client = p.ClientInfo.String()
		}
	}
	if raw, ok := p.Meta[metaPrefix+"protocolVersion"]; ok && info.ProtocolVersion == "" {
		info.ProtocolVersion = jsonText(raw)
	}
	if raw, ok := p.Meta[metaPrefix+"clientInfo"]; ok && info.Client == "" {
		var impl mcpImplementation
		if json.Unmarshal(raw, &impl) == nil {
			info.Client = impl.String()
		}
	}
	return out
}

// compactArguments renders arguments as compact JSON cut at
// maxMCPArguments bytes, on a character boundary.
func compactArguments(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	return clip(buf.String(), maxMCPArguments)
}

// mcpOutcomes matches the response's messages to the request's by id and
// records each outcome, and the protocol version the server chose.
func (v *View) mcpOutcomes(info *MCPInfo) {
	var resp []JSONRPCMessage
	if info.Stream {
		resp = sseMessages(v.body(true))
	} else if body := v.body(true); looksLikeJSON(body) {
		resp, _ = ParseJSONRPC(body)
	}
	for i := range resp {
		r := &resp[i]
		if !r.IsResponse() || !r.HasID() {
			continue
		}
		id := compactID(r.ID)
		for j := range info.Messages {
			msg := &info.Messages[j]
			if msg.ID != id || msg.Method == "" || msg.Outcome != "" {
				continue
			}
			recordOutcome(msg, r, info)
			break
		}
	}
}

// mcpResult is what spoor reads of a result: the version initialize chose,
// and whether a tool result reports a failure.
type mcpResult struct {
	ProtocolVersion string `json:"protocolVersion"`
	IsError         bool   `json:"isError"`
	Content         []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
}

func recordOutcome(msg *MCPMessage, r *JSONRPCMessage, info *MCPInfo) {
	if r.Error != nil {
		msg.Outcome = MCPOutcomeError
		msg.Error = &MCPError{Code: r.Error.Code, Message: clip(r.Error.Message, maxMCPArguments)}
		return
	}
	msg.Outcome = MCPOutcomeResult
	if msg.Method != "initialize" && msg.Method != "tools/call" {
		return
	}
	var res mcpResult
	_ = json.Unmarshal(r.Result, &res)
	if msg.Method == "initialize" && res.ProtocolVersion != "" {
		info.ProtocolVersion = res.ProtocolVersion
	}
	if res.IsError {
		msg.Outcome = MCPOutcomeToolError
		text := ""
		for _, c := range res.Content {
			if c.Type == "text" {
				text = c.Text
				break
			}
		}
		msg.Error = &MCPError{Message: clip(text, maxMCPArguments)}
	}
}

// clip cuts s to at most n bytes on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// mcpValue reads the req.mcp.* points.
func (v *View) mcpValue(name string) string {
	if name == "session" {
		// The initialize request has no session id yet: the one its
		// response assigns is the session it opens.
		return cmp.Or(v.x.ReqHeader(headerMCPSession), v.x.RespHeader(headerMCPSession))
	}
	m := v.MCP()
	if m == nil {
		return ""
	}
	switch name {
	case "method":
		return m.Method()
	case "name":
		return m.Name()
	}
	return ""
}
