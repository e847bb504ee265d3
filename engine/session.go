package engine

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Session limits: sessions split after an inactivity gap and at most every
// MaxSessionSpan, so that a long-lived token still yields readable parts.
const (
	DefaultInactivity = 30 * time.Minute
	MaxSessionSpan    = 24 * time.Hour
	// maxDistinct bounds the IPs and user agents a session lists: a rotating
	// bot must not grow one session without limit.
	maxDistinct = 32
)

// Session is the summary of one part of one actor's traffic.
type Session struct {
	ID string `json:"id"`
	// KeyID is shared by every part of one key value.
	KeyID    string `json:"key_id"`
	KeyPoint string `json:"key_point"`
	// Identity is the keyed hash of the key value; never the clear value.
	Identity string `json:"identity"`
	// Actor is what the list shows for the key value (see Identity.Display).
	Actor        string         `json:"actor"`
	Part         int            `json:"part"`
	FirstSeen    time.Time      `json:"first_seen"`
	LastSeen     time.Time      `json:"last_seen"`
	Requests     int            `json:"requests"`
	IPs          []string       `json:"ips"`
	User         string         `json:"user"`
	Role         string         `json:"role"`
	UserAgents   []string       `json:"user_agents"`
	StatusCounts map[int]int    `json:"status_counts"`
	Attacks      map[string]int `json:"attacks"`
	// Flows counts the session's requests in each business flow; a request
	// may count in several. FlowShare turns a count into a share.
	Flows     map[string]int `json:"flows"`
	ReqBytes  int64          `json:"req_bytes"`
	RespBytes int64          `json:"resp_bytes"`
	// Latency is the sum of request durations, for the mean.
	Latency time.Duration `json:"latency_ns"`
	// MCP summarises the session's Model Context Protocol traffic; nil
	// (JSON null) for a session that never spoke MCP.
	MCP *SessionMCP `json:"mcp"`
	// Abuse holds the bot and abuse verdicts on the session, strongest
	// first; engine/abuse sets it as requests arrive.
	Abuse []Verdict `json:"abuse"`
	// Activity is the session's requests over its life, for a sparkline.
	Activity Activity `json:"-"`
	// Endpoints lists the first endpoints the session requested, up to
	// maxEndpoints, for fuzzy search.
	Endpoints []string `json:"-"`
}

// Duration is the time from the first request's start to the last's.
func (s *Session) Duration() time.Duration { return s.LastSeen.Sub(s.FirstSeen) }

// ClassCount returns the number of responses of a status class (4 for 4xx).
func (s *Session) ClassCount(class int) int {
	n := 0
	for code, c := range s.StatusCounts {
		if StatusClass(code) == class {
			n += c
		}
	}
	return n
}

// FlowShare is the share, from 0 to 1, of the session's requests that
// belong to the named flow.
func (s *Session) FlowShare(name string) float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Flows[name]) / float64(s.Requests)
}

// AttackCount is the number of attack tags on the session's requests.
func (s *Session) AttackCount() int {
	n := 0
	for _, c := range s.Attacks {
		n += c
	}
	return n
}

// Clone returns a deep copy, safe to hand to another goroutine.
func (s *Session) Clone() Session {
	c := *s
	c.IPs = slices.Clone(s.IPs)
	c.UserAgents = slices.Clone(s.UserAgents)
	c.Endpoints = slices.Clone(s.Endpoints)
	c.StatusCounts = cloneMap(s.StatusCounts)
	c.Attacks = cloneMap(s.Attacks)
	c.Flows = cloneMap(s.Flows)
	c.MCP = s.MCP.clone()
	c.Abuse = cloneVerdicts(s.Abuse)
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// add folds one exchange into the summary.
func (s *Session) add(x *Exchange) {
	if s.Requests == 0 || x.Start.Before(s.FirstSeen) {
		s.FirstSeen = x.Start
	}
	if x.Start.After(s.LastSeen) {
		s.LastSeen = x.Start
	}
	s.Requests++
	s.Activity.add(x.Start.Sub(s.FirstSeen), failed(x.Status))
	if len(s.Endpoints) < maxEndpoints {
		e := x.Endpoint
		if e == "" {
			e = Endpoint(x.Path)
		}
		if e != "" && !slices.Contains(s.Endpoints, e) {
			s.Endpoints = append(s.Endpoints, e)
		}
	}
	s.IPs = addDistinct(s.IPs, x.ClientIP)
	s.UserAgents = addDistinct(s.UserAgents, x.UserAgent())
	if s.StatusCounts == nil {
		s.StatusCounts = map[int]int{}
	}
	s.StatusCounts[x.Status]++
	s.ReqBytes += x.ReqBody.Size
	s.RespBytes += x.RespBody.Size
	s.Latency += x.Duration
	for _, f := range x.Flows {
		if s.Flows == nil {
			s.Flows = map[string]int{}
		}
		s.Flows[f]++
	}
	s.AddAttacks(x.Attacks)
	if x.MCP != nil {
		s.addMCP(x.MCP)
	}
}

func addDistinct(list []string, v string) []string {
	if v == "" || len(list) >= maxDistinct || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// keyIDOf derives the key id shown to users from an identity hash.
func keyIDOf(identity string) string {
	id := strings.TrimPrefix(identity, hashPrefix)
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// SessionID is the id of part n (from 1) of the key with the given key id.
func SessionID(keyID string, part int) string { return keyID + "-" + strconv.Itoa(part) }

// AddAttacks counts tags in the session's attacks, one per tag that no
// mute rule covered, as add does; a late detection adds what it found this
// way.
func (s *Session) AddAttacks(tags []AttackTag) {
	for _, tag := range tags {
		if tag.Muted() {
			continue // kept on the request, counted nowhere
		}
		if s.Attacks == nil {
			s.Attacks = map[string]int{}
		}
		s.Attacks[tag.Type]++
	}
}
