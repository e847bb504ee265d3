package inventory

import (
	"cmp"
	"slices"
	"sync"

	"github.com/spoorhq/spoor/engine"
)

// Key names an endpoint: a method and a path template on a host.
type Key struct {
	Method, Host, Template string
}

// Spec is what the inventory asks of an API specification when it takes a
// snapshot: the status of an endpoint, why, and the parameters the
// operation declares. ok is false when no specification covers the host.
// engine/spec's Set satisfies it.
type Spec interface {
	Describe(method, host, template string) (d Description, ok bool)
}

// Description is a specification's word on one endpoint.
type Description struct {
	Status, Reason string
	// Declared are the operation's parameters (Name and In; Kind may be
	// empty), for ParamsUnknown.
	Declared []Param
}

// Inventory counts what the traffic did at each endpoint. Observe is
// called by one analysis goroutine; Snapshot and the persistence methods
// may be called from others: a mutex guards the counts.
type Inventory struct {
	mu        sync.Mutex
	endpoints map[Key]*stats
	// dirty are the endpoints changed since the last TakeChanges.
	dirty  []*stats
	bounds []float64
	spec   Spec
	// track is whether Observe queues changed endpoints for TakeChanges;
	// an inventory nothing persists must not grow the queue.
	track bool
}

// New returns an empty inventory. A nil spec leaves statuses as the
// exchanges carry them and ParamsUnknown empty.
func New(spec Spec) *Inventory {
	return &Inventory{endpoints: make(map[Key]*stats), bounds: LatencyBounds(), spec: spec}
}

// SetSpec replaces the specification Snapshot describes endpoints with.
func (inv *Inventory) SetSpec(spec Spec) {
	inv.mu.Lock()
	inv.spec = spec
	inv.mu.Unlock()
}

// Observe counts x, an analysed exchange, in its endpoint; s is its
// session as far as the analysis knows it (its verdicts so far). It
// satisfies engine.Observer, so an analyzer can feed it.
func (inv *Inventory) Observe(x *engine.Exchange, s *engine.Session) {
	k := Key{Method: x.Method, Host: x.Host, Template: x.Template()}
	inv.mu.Lock()
	e := inv.endpoints[k]
	if e == nil {
		e = newStats(k, len(inv.bounds)+1)
		inv.endpoints[k] = e
	}
	if inv.track && !e.dirty {
		e.dirty = true
		inv.dirty = append(inv.dirty, e)
	}
	e.observe(x, s, inv.bounds)
	inv.mu.Unlock()
}

// Len is the number of endpoints.
func (inv *Inventory) Len() int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return len(inv.endpoints)
}

// Snapshot returns every endpoint, the most requested first (then by
// method, host and template, so the order is stable).
func (inv *Inventory) Snapshot() []Endpoint {
	inv.mu.Lock()
	out := make([]Endpoint, 0, len(inv.endpoints))
	for _, e := range inv.endpoints {
		out = append(out, e.endpoint())
	}
	spec := inv.spec
	inv.mu.Unlock()
	if spec != nil {
		for i := range out {
			describe(&out[i], spec)
		}
	}
	SortBy(out, SortRequests)
	return out
}

// describe applies a specification's word to a row: its status and
// reason, and the parameters seen that the operation does not declare.
func describe(e *Endpoint, spec Spec) {
	d, ok := spec.Describe(e.Method, e.Host, e.Template)
	if !ok {
		return
	}
	e.SpecStatus, e.SpecReason = d.Status, d.Reason
	e.ParamsUnknown = []string{}
	if d.Status == Shadow {
		return // nothing is declared: every parameter is unknown, and the status says so
	}
	for _, p := range e.Params {
		if p.In == "path" {
			continue
		}
		if !slices.ContainsFunc(d.Declared, func(q Param) bool { return q.In == p.In && q.Name == p.Name }) {
			e.ParamsUnknown = append(e.ParamsUnknown, p.In+"."+p.Name)
		}
	}
}

// Sort orders of SortBy.
const (
	SortRequests = "requests"
	SortP95      = "p95"
	SortErrors   = "errors"
	SortAttacks  = "attacks"
)

// SortOrders lists the orders SortBy knows.
func SortOrders() []string { return []string{SortRequests, SortP95, SortErrors, SortAttacks} }

// SortBy orders rows by one of SortOrders, largest first, ties by
// method, host and template; an unknown order sorts by requests.
func SortBy(rows []Endpoint, order string) {
	value := func(e *Endpoint) float64 { return float64(e.Requests) }
	switch order {
	case SortP95:
		value = func(e *Endpoint) float64 { return e.Latency.P95 }
	case SortErrors:
		value = func(e *Endpoint) float64 { return float64(e.Errors()) }
	case SortAttacks:
		value = func(e *Endpoint) float64 { return float64(e.AttackCount()) }
	}
	slices.SortStableFunc(rows, func(a, b Endpoint) int {
		if c := cmp.Compare(value(&b), value(&a)); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Method, b.Method), cmp.Compare(a.Host, b.Host), cmp.Compare(a.Template, b.Template))
	})
}

// Errors counts the endpoint's responses of class 4xx and 5xx and those
// without a response.
func (e *Endpoint) Errors() int64 {
	var n int64
	for code, c := range e.StatusCounts {
		if code >= 400 || code < 100 {
			n += c
		}
	}
	return n
}

// AttackCount is the number of attack tags on the endpoint's requests.
func (e *Endpoint) AttackCount() int64 {
	var n int64
	for _, c := range e.Attacks {
		n += c
	}
	return n
}
