package engine

// MCP outcomes of one message, from the response that answers it.
const (
	MCPOutcomeResult    = "result"     // a result
	MCPOutcomeError     = "error"      // a JSON-RPC error: the server refused the request
	MCPOutcomeToolError = "tool_error" // a tool result with isError: the tool ran and failed
)

// maxMCPDistinct bounds the distinct methods and primitives a session
// counts: a client that invents a tool name per call must not grow its
// session's summary without limit. Names past the bound count as mcpOther.
const (
	maxMCPDistinct = 128
	mcpOther       = "(other)"
)

// MCPInfo is what an exchange carries of the Model Context Protocol over
// streamable HTTP: the JSON-RPC messages of its request body with the
// outcome the response gave each, and what the client said about itself.
type MCPInfo struct {
	// Messages are the messages of the request body in order: one, or a few
	// for a batch. A DELETE ending a session and a GET opening the server's
	// stream carry none.
	Messages []MCPMessage `json:"messages,omitempty"`
	// End is set on the DELETE with which a client ends its session.
	End bool `json:"end,omitempty"`
	// Listen is set on the GET that opens the server-to-client stream.
	Listen bool `json:"listen,omitempty"`
	// Stream is set when the response is a text/event-stream.
	Stream bool `json:"stream,omitempty"`
	// ProtocolVersion is the version the server chose at initialize, else
	// the one the client declared (MCP-Protocol-Version header, or the
	// per-request _meta of protocol 2026-07-28).
	ProtocolVersion string `json:"protocol_version,omitempty"`
	// Client is the client's name and version ("claude-code/1.0") from
	// initialize or the per-request _meta.
	Client string `json:"client,omitempty"`
	// Signals are what observers (package engine/mcp) found unusual.
	Signals []ProtocolSignal `json:"signals,omitempty"`
}

// MCPMessage is one JSON-RPC message a client sent.
type MCPMessage struct {
	// ID is the request id as text, empty for a notification.
	ID string `json:"id,omitempty"`
	// Method is empty for a client's answer to a server request.
	Method string `json:"method,omitempty"`
	// Name is the primitive the message addresses: the tool of tools/call,
	// the prompt of prompts/get, the resource URI of resources/read.
	Name string `json:"name,omitempty"`
	// Arguments are the tool or prompt arguments as compact JSON, cut at
	// maxMCPArguments bytes; the body keeps them whole.
	Arguments string `json:"arguments,omitempty"`
	// Outcome is one of the MCPOutcome constants, or empty when no answer
	// was captured (a notification, a cut body).
	Outcome string    `json:"outcome,omitempty"`
	Error   *MCPError `json:"error,omitempty"`
}

// MCPError is why a message failed: a JSON-RPC error, or the text of a tool
// result flagged isError (Code 0).
type MCPError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Method returns the method of the first message that has one: what the
// exchange is about, for req.mcp.method and lists.
func (m *MCPInfo) Method() string {
	for i := range m.Messages {
		if m.Messages[i].Method != "" {
			return m.Messages[i].Method
		}
	}
	return ""
}

// Name returns the primitive of the first message that names one.
func (m *MCPInfo) Name() string {
	for i := range m.Messages {
		if m.Messages[i].Name != "" {
			return m.Messages[i].Name
		}
	}
	return ""
}

// Errors counts the messages that failed, tool errors included.
func (m *MCPInfo) Errors() int {
	n := 0
	for i := range m.Messages {
		if m.Messages[i].Error != nil {
			n++
		}
	}
	return n
}

// SessionMCP summarises a session's MCP traffic. Session.MCP is nil for a
// session that never spoke MCP, which `spoor sessions --json` prints as null.
type SessionMCP struct {
	// Methods counts the client's messages by method (tools/call: 12).
	Methods map[string]int `json:"methods"`
	// Primitives counts the tools, prompts and resources addressed, by name
	// or URI.
	Primitives      map[string]int `json:"primitives"`
	ProtocolVersion string         `json:"protocol_version,omitempty"`
	Client          string         `json:"client,omitempty"`
	// Signals counts the session's MCP signals by type.
	Signals map[string]int `json:"signals,omitempty"`
	// Ended is set once the client ended the session with DELETE.
	Ended bool `json:"ended,omitempty"`
}

func (m *SessionMCP) clone() *SessionMCP {
	if m == nil {
		return nil
	}
	c := *m
	c.Methods = cloneMap(m.Methods)
	c.Primitives = cloneMap(m.Primitives)
	c.Signals = cloneMap(m.Signals)
	return &c
}

// addMCP folds an exchange's MCP messages into the session summary. Signals
// recorded on a stored exchange count too, so that a session rebuilt from
// history shows what the live one showed; on the live path the observers
// add them after this runs, through AddMCPSignal.
func (s *Session) addMCP(m *MCPInfo) {
	if s.MCP == nil {
		s.MCP = &SessionMCP{Methods: map[string]int{}, Primitives: map[string]int{}}
	}
	sm := s.MCP
	for _, msg := range m.Messages {
		if msg.Method != "" {
			countBounded(sm.Methods, msg.Method)
		}
		if msg.Name != "" {
			countBounded(sm.Primitives, msg.Name)
		}
	}
	if m.ProtocolVersion != "" {
		sm.ProtocolVersion = m.ProtocolVersion
	}
	if m.Client != "" && sm.Client == "" {
		sm.Client = m.Client
	}
	for _, sig := range m.Signals {
		sm.countSignal(sig.Type)
	}
	sm.Ended = sm.Ended || m.End
}

func (m *SessionMCP) countSignal(typ string) {
	if m.Signals == nil {
		m.Signals = map[string]int{}
	}
	countBounded(m.Signals, typ)
}

// countBounded counts key in m, or under mcpOther once m holds
// maxMCPDistinct keys.
func countBounded(m map[string]int, key string) {
	if _, ok := m[key]; !ok && len(m) >= maxMCPDistinct {
		key = mcpOther
	}
	m[key]++
}

// AddMCPSignal records sig on the exchange and counts it on the session, the
// one way an observer should record an MCP signal, so that both stay in
// step. It does nothing for an exchange that carries no MCP.
func (s *Session) AddMCPSignal(x *Exchange, sig ProtocolSignal) {
	if x.MCP == nil {
		return
	}
	x.MCP.Signals = append(x.MCP.Signals, sig)
	if s.MCP == nil {
		s.MCP = &SessionMCP{Methods: map[string]int{}, Primitives: map[string]int{}}
	}
	s.MCP.countSignal(sig.Type)
}
