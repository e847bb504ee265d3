package spec

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
)

// Result is what the specifications make of one request.
type Result struct {
	// Status is one of inventory's spec statuses, "" when no
	// specification covers the request's host and path.
	Status string
	Reason string
	// Template is the specification's path template with its base path
	// (/api/users/{id}), "" for a shadow path.
	Template string
	// Declared are the operation's parameters.
	Declared []inventory.Param
}

// Match says what the specifications make of a request: the first file
// covering the host and a base path of the path decides.
func (s *Set) Match(method, host, path string) Result {
	if s == nil {
		return Result{}
	}
	method = strings.ToUpper(method)
	for _, d := range s.docs {
		rest, base, ok := d.covers(host, path)
		if !ok {
			continue
		}
		return d.judge(method, base, rest)
	}
	return Result{}
}

// Describe is Match for an endpoint of the inventory: its template is
// matched as a path, a {param} segment of it against the spec's own. It
// satisfies inventory.Spec.
func (s *Set) Describe(method, host, template string) (inventory.Description, bool) {
	r := s.Match(method, host, template)
	if r.Status == "" {
		return inventory.Description{}, false
	}
	return inventory.Description{Status: r.Status, Reason: r.Reason, Declared: r.Declared}, true
}

// Observe labels an analysed exchange with its status and, when the
// specification lists its path, the specification's template. It
// satisfies engine.Observer; the analyzer runs it before the observers
// that count endpoints.
func (s *Set) Observe(x *engine.Exchange, _ *engine.Session) {
	r := s.Match(x.Method, x.Host, x.Path)
	x.SpecStatus = r.Status
	if r.Template != "" {
		x.Endpoint = r.Template
	}
}

// covers reports whether the document applies to host and path, and the
// path after the base path it matched.
func (d *document) covers(host, path string) (rest, base string, ok bool) {
	if d.host != "" && !hostMatches(d.host, host) {
		return "", "", false
	}
	for _, b := range d.bases {
		if b == "" {
			return path, "", true
		}
		if path == b || strings.HasPrefix(path, b+"/") {
			return path[len(b):], b, true
		}
	}
	return "", "", false
}

func hostMatches(want, host string) bool {
	host = strings.ToLower(host)
	if host == want {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil && !strings.Contains(want, ":") {
		return h == want
	}
	return false
}

// judge gives the status of method on rest, a path under base.
func (d *document) judge(method, base, rest string) Result {
	e := d.find(rest)
	if e != nil {
		op := e.operation(method)
		switch {
		case op != nil && op.deprecated:
			return Result{Status: inventory.Zombie, Reason: d.reasons.deprecated, Template: e.withBase(base), Declared: op.declared}
		case op != nil:
			return Result{Status: inventory.Documented, Reason: d.reasons.documented, Template: e.withBase(base), Declared: op.declared}
		}
		if r, ok := d.inPrevious(method, base, rest); ok {
			return r
		}
		return Result{Status: inventory.UndocumentedMethod, Reason: fmt.Sprintf("%s lists %s", d.name, strings.Join(e.methods(), ", ")), Template: e.withBase(base)}
	}
	if r, ok := d.inPrevious(method, base, rest); ok {
		return r
	}
	return Result{Status: inventory.Shadow, Reason: d.reasons.shadow}
}

// inPrevious finds the operation in an older version: a zombie.
func (d *document) inPrevious(method, base, rest string) (Result, bool) {
	for p := d.previous; p != nil; p = p.previous {
		e := p.find(rest)
		if e == nil {
			continue
		}
		if op := e.operation(method); op != nil {
			return Result{Status: inventory.Zombie, Reason: fmt.Sprintf("in %s, absent from %s", p.name, d.name), Template: e.withBase(base), Declared: op.declared}, true
		}
	}
	return Result{}, false
}

// find returns the path entry matching path, literal segments winning
// over parameters from the left (/users/me before /users/{id}).
func (d *document) find(path string) *pathEntry {
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	n := 0
	if path != "" {
		n = strings.Count(path, "/") + 1
	}
	var best *pathEntry
	var bestRank uint64
	for _, e := range d.byLen[n] {
		rank, ok := e.rank(path)
		if ok && (best == nil || rank > bestRank) {
			best, bestRank = e, rank
		}
	}
	return best
}

// rank matches path (without its leading and trailing slash) and returns
// a number whose bits, from the first segment down, are 1 for a literal
// match: the larger, the more literal from the left.
func (e *pathEntry) rank(path string) (uint64, bool) {
	var rank uint64
	rest := path
	for _, s := range e.segs {
		var v string
		v, rest, _ = strings.Cut(rest, "/")
		rank <<= 1
		switch {
		case !s.param:
			if s.literal != v {
				return 0, false
			}
			rank |= 1
		case len(v) <= len(s.prefix)+len(s.suffix) || !strings.HasPrefix(v, s.prefix) || !strings.HasSuffix(v, s.suffix):
			return 0, false // a parameter is never empty
		}
	}
	return rank, true
}

// operation returns the method's operation; HEAD falls back to GET, as
// servers answer it.
func (e *pathEntry) operation(method string) *operation {
	if op := e.ops[method]; op != nil {
		return op
	}
	if method == "HEAD" {
		return e.ops["GET"]
	}
	return nil
}

func (e *pathEntry) methods() []string {
	ms := make([]string, 0, len(e.ops))
	for m := range e.ops {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return ms
}

// withBase is the template under base; the document's first base path
// is joined once at load, so the common case builds no string.
func (e *pathEntry) withBase(base string) string {
	if base == e.base {
		return e.based
	}
	return base + e.template
}
