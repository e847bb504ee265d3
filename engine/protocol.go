package engine

// ProtocolSignal is one explained finding about how a client uses an API
// protocol: a tool called that was never listed, a GraphQL query that reads
// the schema. Signals are not attack tags: they say what is unusual and why,
// and leave the verdict to the investigator.
type ProtocolSignal struct {
	// Type names the signal, prefixed by its protocol: "mcp_unlisted_tool",
	// "gql_introspection". It is stored and counted as it is.
	Type string `json:"type"`
	// Message explains the signal with the values that raised it.
	Message string `json:"message"`
}

// Observer looks at each exchange after the Analyzer has grouped it, with
// the live session it joined. Per-session trackers (MCP, GraphQL) are
// observers: they live in sub-packages, which engine may not import, and
// they need the session's running summary, not a snapshot, so that what they
// record on it lasts. Observe runs on the analysis goroutine, on the stored
// (redacted) copy of the exchange; it must not keep x or s.
type Observer interface {
	Observe(x *Exchange, s *Session)
}

// Use adds observers that Process calls, in order, after grouping each
// exchange. It is meant for wiring, before the first Process.
func (a *Analyzer) Use(obs ...Observer) { a.observers = append(a.observers, obs...) }

// protoCache is what a View decoded of the protocols an exchange speaks,
// each decoded at most once and only when asked for.
type protoCache struct {
	mcp     *MCPInfo
	mcpDone bool
	gql     *GQLInfo
	gqlDone bool
	// gqlVars is the JSON document holding the operation's variables, and
	// gqlVarsPrefix the path to them inside it, for req.gql.var.<name>.
	gqlVars       []byte
	gqlVarsPrefix string
}

// readProtocols decodes the MCP or GraphQL request an exchange carries. An
// exchange is one or the other: a JSON-RPC body is never read as GraphQL.
func (v *View) readProtocols() (*MCPInfo, *GQLInfo) {
	if m := v.MCP(); m != nil {
		return m, nil
	}
	return nil, v.GQL()
}

// protocols replaces the clear values of hashed parameters in what the
// exchange records of its protocols, as the scrubber does in its bodies.
func (sc *scrubber) protocols(x *Exchange) {
	if m := x.MCP; m != nil {
		m.ProtocolVersion, m.Client = sc.str(m.ProtocolVersion), sc.str(m.Client)
		for i := range m.Messages {
			msg := &m.Messages[i]
			msg.ID, msg.Method, msg.Name, msg.Arguments = sc.str(msg.ID), sc.str(msg.Method), sc.str(msg.Name), sc.str(msg.Arguments)
			if msg.Error != nil {
				msg.Error.Message = sc.str(msg.Error.Message)
			}
		}
	}
	if g := x.GQL; g != nil {
		g.Name, g.Error = sc.str(g.Name), sc.str(g.Error)
		for i := range g.Fields {
			g.Fields[i] = sc.str(g.Fields[i])
		}
	}
}
