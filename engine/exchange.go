package engine

import (
	"strings"
	"time"
)

// Header is one header line as it was sent. Order and duplicates are kept so
// that an exported request looks like the one on the wire.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Body is a captured body. Data holds at most the capture cap; Size is the
// full length that crossed the proxy, so Truncated is derivable but kept for
// readers that never load Data.
type Body struct {
	Data      []byte `json:"data,omitempty"`
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated,omitempty"`
}

// Exchange is one request with its response, as captured or imported.
type Exchange struct {
	// ID is assigned by the store when the exchange is first written; it is
	// zero before that.
	ID        uint64        `json:"id"`
	SessionID string        `json:"session_id"`
	Start     time.Time     `json:"start"`
	Duration  time.Duration `json:"duration"`
	ClientIP  string        `json:"client_ip"`
	Method    string        `json:"method"`
	Scheme    string        `json:"scheme,omitempty"`
	Host      string        `json:"host"`
	// Path is the request target's path, percent-decoded by DecodePath
	// whatever the source (the proxy and every importer): "/a b/../x" for
	// "/a%20b/../x", dot segments and slashes as sent, kept as sent when an
	// escape is malformed. Target joins it with Query.
	Path string `json:"path"`
	// Query is the raw query string without the leading '?'.
	Query       string   `json:"query,omitempty"`
	ReqHeaders  []Header `json:"req_headers,omitempty"`
	ReqBody     Body     `json:"req_body"`
	Status      int      `json:"status"`
	RespHeaders []Header `json:"resp_headers,omitempty"`
	RespBody    Body     `json:"resp_body"`
	// Error says why there is no upstream response (the proxy answered 502).
	Error string `json:"error,omitempty"`
	// KeyPoint names the grouping key that identified the session.
	KeyPoint string `json:"key_point,omitempty"`
	// Endpoint is Path templated (/users/{id}), filled by the Analyzer so
	// that requests to one resource can be counted together.
	Endpoint string `json:"endpoint"`
	// Context holds the configured context parameters the exchange carries,
	// by point spelling. A hashed parameter holds its keyed hash, never the
	// clear value.
	Context map[string]string `json:"context,omitempty"`
	// Flows are the business flows (Auth, Billing, ...) whose patterns match
	// the request, in the order the flow table lists them.
	Flows []string `json:"flows,omitempty"`
	// Attacks are the detections on the request, set by the detection stage
	// before analysis (it reads the clear copy).
	Attacks []AttackTag `json:"attacks,omitempty"`
	// Examined records which detectors examined the request, set by the
	// detection stage and amended when a late Core Rule Set check lands.
	Examined Examination `json:"examined"`
	// MCP is the Model Context Protocol request the exchange carries, nil
	// for other traffic; filled by the Analyzer.
	MCP *MCPInfo `json:"mcp,omitempty"`
	// GQL is the GraphQL request the exchange carries, nil for other
	// traffic; filled by the Analyzer.
	GQL *GQLInfo `json:"gql,omitempty"`
	// WS is the WebSocket connection a 101 answer opened, nil for other
	// traffic; filled by the proxy when the connection ends, so Duration
	// is then how long the connection lived.
	WS *WebSocketInfo `json:"ws,omitempty"`
	// SpecStatus is what the API specification says of the request's
	// endpoint (documented, shadow, zombie, undocumented_method; the
	// constants of engine/inventory), "" without a specification; set by
	// the specification's observer during analysis.
	SpecStatus string `json:"spec_status,omitempty"`
	// Node names the capture node that recorded the exchange when several
	// publish to one workstation (spoor proxy --publish --node); empty for
	// a local capture or an import.
	Node string `json:"node,omitempty"`
	// Delivery is the id a capture node published the exchange under
	// (node, run, sequence; see package relay), set by a collector and
	// empty otherwise. The store files it among its recent deliveries in
	// the transaction that stores the exchange, so that a redelivered copy
	// is recognised; it is not part of the stored record.
	Delivery string `json:"-"`
	// BlockedBy is the id of the rule that answered instead of the
	// upstream, "" when the request was forwarded.
	BlockedBy string `json:"blocked_by,omitempty"`
}

// WebSocketInfo counts what crossed a proxied WebSocket connection after its
// handshake. Up is from the client to the API, Down from the API to the
// client. Frames counts every frame (data, continuation and control);
// Bytes counts the frames as sent, headers included.
type WebSocketInfo struct {
	FramesUp   int64 `json:"frames_up"`
	FramesDown int64 `json:"frames_down"`
	BytesUp    int64 `json:"bytes_up"`
	BytesDown  int64 `json:"bytes_down"`
	// End says why the relay stopped when it was not a close by either
	// side: a malformed frame, or the proxy shutting down.
	End string `json:"end,omitempty"`
}

// ReqHeader returns the first request header with the given name, compared
// case-insensitively, or "".
func (x *Exchange) ReqHeader(name string) string { return headerValue(x.ReqHeaders, name) }

// RespHeader returns the first response header with the given name, or "".
func (x *Exchange) RespHeader(name string) string { return headerValue(x.RespHeaders, name) }

// UserAgent is the request's User-Agent header.
func (x *Exchange) UserAgent() string { return x.ReqHeader("User-Agent") }

// Target is the request target as a request line carries it: Path, then
// '?' and Query when there is a query. It is the one place path and query
// are joined.
func (x *Exchange) Target() string {
	if x.Query == "" {
		return x.Path
	}
	return x.Path + "?" + x.Query
}

// End is when the response finished.
func (x *Exchange) End() time.Time { return x.Start.Add(x.Duration) }

func headerValue(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// StatusClass maps a status code to its class digit: 2 for 2xx, 0 for none.
func StatusClass(code int) int {
	if code < 100 || code > 599 {
		return 0
	}
	return code / 100
}
