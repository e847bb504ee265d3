package inventory

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/axiomhq/hyperloglog"

	"github.com/spoorhq/spoor/engine"
)

const (
	// relativeAccuracy is the latency sketch's: a percentile it reports is
	// within 1% of the duration at that rank.
	relativeAccuracy = 0.01
	// maxParams and maxContentTypes bound what one endpoint lists: a
	// client that invents a parameter name per request must not grow a
	// row without limit.
	maxParams       = 64
	maxContentTypes = 8
	// bodySampleFirst and bodySampleEvery choose the requests whose body
	// is read for parameters: every one of an endpoint's first requests,
	// then one in bodySampleEvery. Decoding a JSON body costs more than
	// the rest of Observe together; the names an endpoint takes show up
	// in its first requests, and the sampling still meets a rare one.
	bodySampleFirst = 32
	bodySampleEvery = 16
)

// stats are one endpoint's counts. Distinct sessions, users and sessions
// with an abuse verdict are HyperLogLog sketches (axiomhq/hyperloglog,
// precision 14: exact-sparse while small, about 0.8% error beyond),
// mergeable and a few bytes while an endpoint is quiet.
type stats struct {
	key        Key
	specStatus string
	requests   int64
	sessions   *hyperloglog.Sketch
	users      *hyperloglog.Sketch
	abuse      *hyperloglog.Sketch
	// lastSession and lastUser skip the sketches for a session's
	// consecutive requests, the common case.
	lastSession, lastUser, lastAbuse string
	status                           map[int]int64
	latency                          *ddsketch.DDSketch
	dist                             []int64
	req, resp                        Sizes
	attacks                          map[string]int64
	first, last                      time.Time
	contentTypes                     []string
	params                           []Param
	dirty                            bool
}

func newStats(k Key, buckets int) *stats {
	return &stats{
		key: k, sessions: hyperloglog.New14(), users: hyperloglog.New14(), abuse: hyperloglog.New14(),
		status: make(map[int]int64, 4), latency: newSketch(), dist: make([]int64, buckets),
		attacks: make(map[string]int64),
	}
}

// newSketch is the latency sketch: DDSketch at 1% relative accuracy with
// an unbounded dense store, so no range of durations is collapsed.
func newSketch() *ddsketch.DDSketch {
	// The accuracy is a constant in (0, 1), which NewDefaultDDSketch
	// accepts; were it ever refused, an empty sketch of the same mapping
	// could not be built either.
	s, err := ddsketch.NewDefaultDDSketch(relativeAccuracy)
	if err != nil {
		return nil
	}
	return s
}

func (e *stats) observe(x *engine.Exchange, s *engine.Session, bounds []float64) {
	e.requests++
	if x.SpecStatus != "" {
		e.specStatus = x.SpecStatus
	}
	if x.SessionID != "" && x.SessionID != e.lastSession {
		e.lastSession = x.SessionID
		e.sessions.InsertHash(hashString(x.SessionID))
	}
	if s != nil {
		if s.User != "" && s.User != e.lastUser {
			e.lastUser = s.User
			e.users.InsertHash(hashString(s.User))
		}
		if x.SessionID != e.lastAbuse && hasAbuse(s) {
			e.lastAbuse = x.SessionID
			e.abuse.InsertHash(hashString(x.SessionID))
		}
	}
	e.status[x.Status]++
	e.addLatency(x.Duration, bounds)
	e.req.add(x.ReqBody.Size)
	e.resp.add(x.RespBody.Size)
	for _, a := range x.Attacks {
		if a.Counted() {
			e.attacks[a.Type]++
		}
	}
	if e.first.IsZero() || x.Start.Before(e.first) {
		e.first = x.Start
	}
	if x.Start.After(e.last) {
		e.last = x.Start
	}
	reqType := mediaType(x.ReqHeader("Content-Type"))
	e.addContentType(reqType)
	e.readQuery(x.Query)
	if e.requests <= bodySampleFirst || e.requests%bodySampleEvery == 0 {
		e.readBody(reqType, x.ReqBody.Data)
	}
}

func (e *stats) addLatency(d time.Duration, bounds []float64) {
	ms := float64(max(d, 0)) / float64(time.Millisecond)
	if e.latency != nil {
		// Add refuses only values outside the mapping's range (beyond
		// about 1e300 ms): such a duration is not one.
		_ = e.latency.Add(ms)
	}
	i := 0
	for i < len(bounds) && ms > bounds[i] {
		i++
	}
	e.dist[i]++
}

func (z *Sizes) add(n int64) {
	z.Total += n
	z.Max = max(z.Max, n)
}

func hasAbuse(s *engine.Session) bool {
	for _, v := range s.Abuse {
		if engine.IsAbuse(v.Type) {
			return true
		}
	}
	return false
}

// hashString is FNV-1a with a final mix: fixed, so that sketches stored
// by one run merge with the next run's.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// mediaType is a Content-Type without its parameters, lower-cased.
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for i := 0; i < len(ct); i++ {
		if c := ct[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(ct)
		}
	}
	return ct
}

func (e *stats) addContentType(ct string) {
	if ct == "" || len(e.contentTypes) >= maxContentTypes || slices.Contains(e.contentTypes, ct) {
		return
	}
	e.contentTypes = append(e.contentTypes, strings.Clone(ct))
}

// quantile reads the sketch, 0 when it is empty.
func (e *stats) quantile(q float64) float64 {
	if e.latency == nil || e.latency.IsEmpty() {
		return 0
	}
	v, err := e.latency.GetValueAtQuantile(q)
	if err != nil || math.IsNaN(v) {
		return 0
	}
	return v
}

// endpoint is the row of a snapshot: copies of everything, so that the
// caller may read it while counting goes on.
func (e *stats) endpoint() Endpoint {
	status := make(map[int]int64, len(e.status))
	for k, v := range e.status {
		status[k] = v
	}
	attacks := make(map[string]int64, len(e.attacks))
	for k, v := range e.attacks {
		attacks[k] = v
	}
	return Endpoint{
		Method: e.key.Method, Host: e.key.Host, Template: e.key.Template,
		SpecStatus: e.specStatus, Requests: e.requests,
		Sessions: int64(e.sessions.Estimate()), Users: int64(e.users.Estimate()),
		StatusCounts: status,
		Latency:      Latency{P50: e.quantile(0.50), P95: e.quantile(0.95), P99: e.quantile(0.99)},
		ReqBytes:     e.req, RespBytes: e.resp, Attacks: attacks,
		AbuseSessions: int64(e.abuse.Estimate()),
		FirstSeen:     e.first, LastSeen: e.last,
		ContentTypes: slices.Clone(e.contentTypes), Params: slices.Clone(e.params),
		ParamsUnknown: []string{}, Distribution: slices.Clone(e.dist),
	}
}
