package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// sessionJSON is the contract of `spoor sessions --json` (PRODUCT.md).
// Lists and maps are never null, so that scripts can iterate without
// checking; mcp is null for a session that never spoke MCP.
type sessionJSON struct {
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
	Flows        map[string]flowJSON `json:"flows"`
	Abuse        []engine.Verdict    `json:"abuse"`
	MCP          *sessionMCPJSON     `json:"mcp"`
}

// sessionMCPJSON is the MCP summary of a session: messages by method and
// by primitive (tool, prompt or resource).
type sessionMCPJSON struct {
	Methods    map[string]int `json:"methods"`
	Primitives map[string]int `json:"primitives"`
}

// flowJSON is a session's use of one business flow.
type flowJSON struct {
	Requests int     `json:"requests"`
	Share    float64 `json:"share"`
}

func toSessionJSON(s engine.Session) sessionJSON {
	flows := make(map[string]flowJSON, len(s.Flows))
	for name, n := range s.Flows {
		flows[name] = flowJSON{Requests: n, Share: math.Round(s.FlowShare(name)*1000) / 1000}
	}
	codes := make(map[string]int, len(s.StatusCounts))
	for code, n := range s.StatusCounts {
		codes[strconv.Itoa(code)] = n
	}
	abuse := s.Abuse
	if abuse == nil {
		abuse = []engine.Verdict{}
	}
	return sessionJSON{
		ID: s.ID, KeyID: s.KeyID, KeyPoint: s.KeyPoint, Actor: s.Actor,
		FirstSeen: s.FirstSeen, LastSeen: s.LastSeen, Requests: s.Requests,
		IPs: nonNil(s.IPs), User: s.User, Role: s.Role, UserAgents: nonNil(s.UserAgents),
		StatusCounts: codes, Attacks: nonNilMap(s.Attacks), Flows: flows,
		Abuse: abuse, MCP: sessionMCP(&s),
	}
}

// requestJSON is the contract of `spoor requests --json`.
type requestJSON struct {
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
	Attacks    []attackJSON      `json:"attacks"`
	Examined   []string          `json:"examined"`
	Flows      []string          `json:"flows"`
	Context    map[string]string `json:"context"`
	Error      string            `json:"error,omitempty"`
}

// attackJSON is one attack tag on a request.
type attackJSON struct {
	Type     string `json:"type"`
	Point    string `json:"point"`
	Rule     string `json:"rule"`
	Fragment string `json:"fragment,omitempty"`
	Message  string `json:"message,omitempty"`
}

func toRequestJSON(x engine.Exchange) requestJSON {
	return requestJSON{
		ID: x.ID, SessionID: x.SessionID, Time: x.Start, Method: x.Method, Host: x.Host,
		Path: x.Path, Endpoint: endpointOf(x), Query: x.Query, Status: x.Status,
		DurationMS: float64(x.Duration.Microseconds()) / 1000,
		ReqBytes:   x.ReqBody.Size, RespBytes: x.RespBody.Size, ClientIP: x.ClientIP,
		Attacks: attacksOf(&x), Examined: x.Examined.Names(), Flows: nonNil(x.Flows), Context: nonNilMap(x.Context), Error: x.Error,
	}
}

// endpointOf is the stored endpoint template, computed for exchanges
// stored before the engine recorded it.
func endpointOf(x engine.Exchange) string {
	if x.Endpoint != "" {
		return x.Endpoint
	}
	return engine.Endpoint(x.Path)
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

// sessionMCP reports a session's MCP summary, or nil (JSON null) for a
// session that spoke no MCP.
func sessionMCP(s *engine.Session) *sessionMCPJSON {
	if s.MCP == nil {
		return nil
	}
	return &sessionMCPJSON{Methods: nonNilMap(s.MCP.Methods), Primitives: nonNilMap(s.MCP.Primitives)}
}

// attacksOf lists a request's attack tags.
func attacksOf(x *engine.Exchange) []attackJSON {
	out := make([]attackJSON, len(x.Attacks))
	for i, t := range x.Attacks {
		out[i] = attackJSON{Type: t.Type, Point: t.Point, Rule: t.Rule, Fragment: t.Fragment, Message: t.Message}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// outputFormat is how a listing command prints.
type outputFormat int

const (
	formatTable outputFormat = iota
	formatJSON
	formatNDJSON
)

func pickFormat(jsonFlag, ndjsonFlag bool) (outputFormat, error) {
	switch {
	case jsonFlag && ndjsonFlag:
		return 0, usageError{fmt.Errorf("--json and --ndjson are exclusive")}
	case jsonFlag:
		return formatJSON, nil
	case ndjsonFlag:
		return formatNDJSON, nil
	}
	return formatTable, nil
}

// writeJSON prints items as one array or as one object per line.
func writeJSON[T any](w io.Writer, f outputFormat, items []T) error {
	if f == formatJSON {
		if items == nil {
			items = []T{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	}
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}
