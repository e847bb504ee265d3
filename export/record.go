package export

import (
	"math"
	"strconv"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// SessionJSON is the contract of `spoor sessions --json`, field for field.
// Lists and maps are never null, so that scripts can iterate without
// checking; mcp is null for a session that never spoke MCP.
type SessionJSON struct {
	ID           string              `json:"id"`
	KeyID        string              `json:"key_id"`
	KeyPoint     string              `json:"key_point"`
	Actor        string              `json:"actor"`
	FirstSeen    time.Time           `json:"first_seen"`
	LastSeen     time.Time           `json:"last_seen"`
	Requests     int                 `json:"requests"`
	IPs          []string            `json:"ips"`
	User         string              `json:"user"`
	Role         string              `json:"role"`
	UserAgents   []string            `json:"user_agents"`
	StatusCounts map[string]int      `json:"status_counts"`
	Attacks      map[string]int      `json:"attacks"`
	Flows        map[string]FlowJSON `json:"flows"`
	Abuse        []engine.Verdict    `json:"abuse"`
	MCP          *SessionMCPJSON     `json:"mcp"`
}

// SessionMCPJSON is the MCP summary of a session: messages by method and
// by primitive (tool, prompt or resource).
type SessionMCPJSON struct {
	Methods    map[string]int `json:"methods"`
	Primitives map[string]int `json:"primitives"`
}

// FlowJSON is a session's use of one business flow.
type FlowJSON struct {
	Requests int     `json:"requests"`
	Share    float64 `json:"share"`
}

// NewSessionJSON returns the JSON record of a session.
func NewSessionJSON(s engine.Session) SessionJSON {
	flows := make(map[string]FlowJSON, len(s.Flows))
	for name, n := range s.Flows {
		flows[name] = FlowJSON{Requests: n, Share: math.Round(s.FlowShare(name)*1000) / 1000}
	}
	codes := make(map[string]int, len(s.StatusCounts))
	for code, n := range s.StatusCounts {
		codes[strconv.Itoa(code)] = n
	}
	abuse := s.Abuse
	if abuse == nil {
		abuse = []engine.Verdict{}
	}
	return SessionJSON{
		ID: s.ID, KeyID: s.KeyID, KeyPoint: s.KeyPoint, Actor: s.Actor,
		FirstSeen: s.FirstSeen, LastSeen: s.LastSeen, Requests: s.Requests,
		IPs: nonNil(s.IPs), User: s.User, Role: s.Role, UserAgents: nonNil(s.UserAgents),
		StatusCounts: codes, Attacks: nonNilMap(s.Attacks), Flows: flows,
		Abuse: abuse, MCP: sessionMCP(&s),
	}
}

// RequestJSON is the contract of `spoor requests --json`, field for field.
type RequestJSON struct {
	ID         uint64            `json:"id"`
	SessionID  string            `json:"session_id"`
	Time       time.Time         `json:"time"`
	Method     string            `json:"method"`
	Host       string            `json:"host"`
	Path       string            `json:"path"`
	Endpoint   string            `json:"endpoint"`
	Query      string            `json:"query"`
	Status     int               `json:"status"`
	DurationMS float64           `json:"duration_ms"`
	ReqBytes   int64             `json:"req_bytes"`
	RespBytes  int64             `json:"resp_bytes"`
	ClientIP   string            `json:"client_ip"`
	Attacks    []AttackJSON      `json:"attacks"`
	Examined   []string          `json:"examined"`
	Flows      []string          `json:"flows"`
	Context    map[string]string `json:"context"`
	Error      string            `json:"error,omitempty"`
	// SpecStatus is the request's endpoint's status in the API
	// specification, absent without one.
	SpecStatus string `json:"spec_status,omitempty"`
	// Node is the capture node that recorded the request, when several
	// publish to one workstation.
	Node string `json:"node,omitempty"`
	// BlockedBy is the rule that answered instead of the upstream.
	BlockedBy string `json:"blocked_by,omitempty"`
}

// AttackJSON is one attack tag on a request.
type AttackJSON struct {
	Type     string `json:"type"`
	Point    string `json:"point"`
	Rule     string `json:"rule"`
	Fragment string `json:"fragment,omitempty"`
	Message  string `json:"message,omitempty"`
	// MutedBy names the mute rule that covered the tag; a muted tag is
	// listed but not counted.
	MutedBy string `json:"muted_by,omitempty"`
}

// NewRequestJSON returns the JSON record of a request.
func NewRequestJSON(x engine.Exchange) RequestJSON {
	return RequestJSON{
		ID: x.ID, SessionID: x.SessionID, Time: x.Start, Method: x.Method, Host: x.Host,
		Path: x.Path, Endpoint: x.Template(), Query: x.Query, Status: x.Status,
		DurationMS: float64(x.Duration.Microseconds()) / 1000,
		ReqBytes:   x.ReqBody.Size, RespBytes: x.RespBody.Size, ClientIP: x.ClientIP,
		Attacks: attacksOf(&x), Examined: x.Examined.Names(), Flows: nonNil(x.Flows), Context: nonNilMap(x.Context), Error: x.Error,
		SpecStatus: x.SpecStatus,
		Node:       x.Node,
		BlockedBy:  x.BlockedBy,
	}
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// sessionMCP reports a session's MCP summary, or nil (JSON null) for a
// session that spoke no MCP.
func sessionMCP(s *engine.Session) *SessionMCPJSON {
	if s.MCP == nil {
		return nil
	}
	return &SessionMCPJSON{Methods: nonNilMap(s.MCP.Methods), Primitives: nonNilMap(s.MCP.Primitives)}
}

// attacksOf lists a request's attack tags.
func attacksOf(x *engine.Exchange) []AttackJSON {
	out := make([]AttackJSON, len(x.Attacks))
	for i, t := range x.Attacks {
		out[i] = AttackJSON{Type: t.Type, Point: t.Point, Rule: t.Rule, Fragment: t.Fragment, Message: t.Message, MutedBy: t.MutedBy}
	}
	return out
}
