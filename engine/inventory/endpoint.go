package inventory

import "time"

// Spec statuses of an endpoint (and of each request to it). Without a
// specification an endpoint's status is "".
const (
	// Documented: the specification lists the method on the path.
	Documented = "documented"
	// Shadow: the specification does not list the path.
	Shadow = "shadow"
	// Zombie: the specification marks the operation deprecated, or an
	// older specification lists it and the newer one does not.
	Zombie = "zombie"
	// UndocumentedMethod: the path is listed, but not with this method.
	UndocumentedMethod = "undocumented_method"
)

// LatencyBounds returns the upper bounds, in milliseconds, of the fixed
// buckets of Endpoint.Distribution; the last bucket holds everything
// slower than the last bound.
func LatencyBounds() []float64 {
	return []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000}
}

// Endpoint is one row of the inventory: a snapshot, safe to read while the
// inventory goes on counting.
type Endpoint struct {
	Method string `json:"method"`
	Host   string `json:"host"`
	// Template is the path template: the specification's when a spec
	// path matches (/users/me, /users/{id}), else engine.Endpoint's.
	Template   string `json:"endpoint"`
	SpecStatus string `json:"spec_status,omitempty"`
	// SpecReason says why the status: "deprecated in shop.yaml",
	// "in v1.yaml, absent from v2.yaml", "shop.yaml lists GET, POST".
	SpecReason    string           `json:"spec_reason,omitempty"`
	Requests      int64            `json:"requests"`
	Sessions      int64            `json:"sessions"`
	Users         int64            `json:"users"`
	StatusCounts  map[int]int64    `json:"status_counts"`
	Latency       Latency          `json:"latency_ms"`
	ReqBytes      Sizes            `json:"req_bytes"`
	RespBytes     Sizes            `json:"resp_bytes"`
	Attacks       map[string]int64 `json:"attacks"`
	AbuseSessions int64            `json:"abuse_sessions"`
	FirstSeen     time.Time        `json:"first_seen"`
	LastSeen      time.Time        `json:"last_seen"`
	ContentTypes  []string         `json:"content_types,omitempty"`
	Params        []Param          `json:"params,omitempty"`
	// ParamsUnknown are the names of Params the specification does not
	// declare for the operation (empty without a spec).
	ParamsUnknown []string `json:"params_unknown"`
	// Distribution counts requests by duration in the buckets of
	// LatencyBounds, for the TUI's bar (len(LatencyBounds())+1 entries).
	Distribution []int64 `json:"-"`
}

// Latency holds duration percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// Sizes sums and bounds body sizes in bytes.
type Sizes struct {
	Total int64 `json:"total"`
	Max   int64 `json:"max"`
}

// Param is a parameter seen on an endpoint: its name, where it was
// (query, json, form, header, cookie, path) and the kind of its values
// (int, number, bool, string, uuid, email, object, array) — never a value.
type Param struct {
	Name string `json:"name"`
	In   string `json:"in"`
	Kind string `json:"kind"`
}
