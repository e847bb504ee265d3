package mcp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// statelessVersion is the first protocol version without the initialize
// handshake and the Mcp-Session-Id header.
const statelessVersion = "2026-07-28"

// checkAddresses raises mcp_session_ips when an Mcp-Session-Id arrives from
// an address it has not come from before: a session id is a bearer
// credential, and one used from two hosts was copied.
func (t *Tracker) checkAddresses(x *engine.Exchange, s *engine.Session) {
	sid := sessionID(x)
	if sid == "" || x.ClientIP == "" {
		return
	}
	st := t.ids[sid]
	if st == nil {
		st = &idState{}
		// After a restart the session summary still lists the addresses
		// its key value came from; a session keyed by another point mixes
		// ids, so its addresses say nothing about this one.
		if strings.HasSuffix(s.KeyPoint, ".Mcp-Session-Id") {
			st.ips = slices.Clone(s.IPs)
		}
		t.ids[sid] = st
	}
	st.last = x.Start
	if slices.Contains(st.ips, x.ClientIP) {
		return
	}
	if len(st.ips) >= maxIPs {
		return
	}
	st.ips = append(st.ips, x.ClientIP)
	if len(st.ips) > 1 {
		s.AddMCPSignal(x, engine.ProtocolSignal{
			Type:    SignalSessionIPs,
			Message: fmt.Sprintf("Mcp-Session-Id sent from %d addresses (%s): a session id copied to another host", len(st.ips), strings.Join(st.ips, ", ")),
		})
	}
}

// checkInitialize raises mcp_before_initialize on the first request of a
// session that has not initialized, under protocol versions that require
// the handshake. Only a first part is judged: a later part continues a
// session whose initialize lies in an earlier one.
func (t *Tracker) checkInitialize(x *engine.Exchange, s *engine.Session, st *sessionState) {
	if st.warnedInit || s.Part > 1 || stateless(x) || s.MCP == nil || s.MCP.Methods["initialize"] > 0 {
		return
	}
	for _, msg := range x.MCP.Messages {
		if msg.Method == "" || msg.Method == "ping" {
			continue // answers to the server, and pings, may come any time
		}
		st.warnedInit = true
		rule := "protocol versions before " + statelessVersion + " require"
		if v := x.MCP.ProtocolVersion; v != "" {
			rule = "protocol " + v + " requires"
		}
		s.AddMCPSignal(x, engine.ProtocolSignal{
			Type:    SignalBeforeInitialize,
			Message: fmt.Sprintf("%s before initialize: %s the handshake first (a client skipping it, a session id reused from elsewhere, or a capture that began mid-session)", msg.Method, rule),
		})
		return
	}
}

// stateless reports whether the exchange speaks a protocol version without
// the initialize handshake.
func stateless(x *engine.Exchange) bool {
	return x.MCP.ProtocolVersion >= statelessVersion || x.ReqHeader("Mcp-Method") != ""
}

// toolList is the result of tools/list.
type toolList struct {
	Tools []struct {
		Name        string          `json:"name"`
		InputSchema json.RawMessage `json:"inputSchema"`
	} `json:"tools"`
}

// learnTools remembers the tools a tools/list answer offers, with their
// input schemas. Pages add up: a paginated list arrives in several answers.
func learnTools(x *engine.Exchange, st *sessionState) {
	var resp []engine.JSONRPCMessage
	for _, msg := range x.MCP.Messages {
		if msg.Method != "tools/list" || msg.Outcome != engine.MCPOutcomeResult {
			continue
		}
		if resp == nil {
			resp = engine.JSONRPCMessages(x, true)
		}
		for _, r := range resp {
			if !r.IsResponse() || len(r.Result) == 0 || r.IDText() != msg.ID {
				continue
			}
			var list toolList
			if json.Unmarshal(r.Result, &list) != nil {
				continue
			}
			if st.tools == nil {
				st.tools = map[string]*inputSchema{}
			}
			for _, tool := range list.Tools {
				if tool.Name != "" && len(st.tools) < maxTools {
					st.tools[tool.Name] = parseSchema(tool.InputSchema)
				}
			}
			break
		}
	}
}

// checkCalls judges each tools/call against the tools the session listed.
func checkCalls(x *engine.Exchange, s *engine.Session, st *sessionState) {
	var raw []engine.JSONRPCMessage // the request's messages, read on demand
	for i, msg := range x.MCP.Messages {
		if msg.Method != "tools/call" || msg.Name == "" {
			continue
		}
		schema, listed := st.tools[msg.Name]
		switch {
		case listed:
			if raw == nil {
				raw = engine.JSONRPCMessages(x, false)
			}
			// The messages line up with the summary's unless the body was
			// cut; then the arguments are not there to judge.
			if len(raw) != len(x.MCP.Messages) {
				continue
			}
			if problems := schema.check(callArguments(raw[i].Params)); len(problems) > 0 {
				s.AddMCPSignal(x, engine.ProtocolSignal{
					Type:    SignalSchemaMismatch,
					Message: fmt.Sprintf("tools/call of %q does not match the input schema tools/list gave: %s", msg.Name, strings.Join(problems, "; ")),
				})
			}
		case st.tools != nil:
			s.AddMCPSignal(x, engine.ProtocolSignal{
				Type:    SignalUnlistedTool,
				Message: fmt.Sprintf("tools/call of %q, which the session's tools/list did not offer (it offered %d tools)", msg.Name, len(st.tools)),
			})
		case s.MCP.Methods["tools/list"] == 0 && s.Part == 1:
			s.AddMCPSignal(x, engine.ProtocolSignal{
				Type:    SignalUnlistedTool,
				Message: fmt.Sprintf("tools/call of %q in a session that never called tools/list: the client knew the tool from elsewhere", msg.Name),
			})
		}
		// Otherwise the session listed its tools before the tracker
		// started: there is no list to judge the call against.
	}
}

// callArguments returns the arguments member of tools/call params.
func callArguments(params json.RawMessage) json.RawMessage {
	var p struct {
		Arguments json.RawMessage `json:"arguments"`
	}
	_ = json.Unmarshal(params, &p)
	return p.Arguments
}

// checkErrors raises mcp_error_burst when ErrorBurst errors fall within
// ErrorWindow, then starts counting afresh, so that a long failing loop
// raises one signal per burst rather than one per error.
func (t *Tracker) checkErrors(x *engine.Exchange, s *engine.Session, st *sessionState) {
	n, last := 0, ""
	for _, msg := range x.MCP.Messages {
		if msg.Error != nil {
			n++
			if last == "" {
				last = fmt.Sprintf("%s: %d %s", msg.Method, msg.Error.Code, msg.Error.Message)
			}
		}
	}
	if n == 0 && x.Status >= 400 {
		n, last = 1, fmt.Sprintf("HTTP %d", x.Status)
	}
	for range n {
		if len(st.errors) == t.opts.ErrorBurst {
			st.errors = st.errors[1:]
		}
		st.errors = append(st.errors, x.Start)
	}
	if len(st.errors) < t.opts.ErrorBurst || x.Start.Sub(st.errors[0]) > t.opts.ErrorWindow {
		return
	}
	s.AddMCPSignal(x, engine.ProtocolSignal{
		Type:    SignalErrorBurst,
		Message: fmt.Sprintf("%d errors within %s (last %s)", len(st.errors), x.Start.Sub(st.errors[0]).Round(time.Millisecond), last),
	})
	st.errors = st.errors[:0]
}
