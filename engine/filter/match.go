package filter

import (
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// verdict is a term's outcome: a term whose data is unknown fails whether
// or not it is negated, so that missing data never widens a result.
type verdict uint8

const (
	no verdict = iota
	yes
	unknown
)

func verdictOf(b bool) verdict {
	if b {
		return yes
	}
	return no
}

// holds folds a term's verdict with its negation.
func (t *term) holds(v verdict) bool {
	if v == unknown {
		return false
	}
	return (v == yes) != t.neg
}

// MatchSession reports whether s satisfies the filter, judged from its
// summary alone. Terms on method, host, path or endpoint cannot be judged
// from a summary and do not match, nor does fuzzy text that only an
// endpoint could satisfy. Use
// MatchSessionRequests when NeedsRequests reports true and the requests can
// be loaded.
func (f *Filter) MatchSession(s *engine.Session) bool {
	return f.matchSession(s, nil, false)
}

// MatchSessionRequests reports whether s, with its requests xs (bodies are
// not needed), satisfies the filter. A term about requests holds when one
// of xs satisfies it.
func (f *Filter) MatchSessionRequests(s *engine.Session, xs []engine.Exchange) bool {
	return f.matchSession(s, xs, true)
}

func (f *Filter) matchSession(s *engine.Session, xs []engine.Exchange, haveRequests bool) bool {
	for i := range f.terms {
		t := &f.terms[i]
		if !t.holds(f.sessionVerdict(t, s, xs, haveRequests)) {
			return false
		}
	}
	return true
}

// MatchExchange reports whether x satisfies the filter on its own: terms
// about its session (user, role, abuse) are unknown and do not match. Use
// MatchRequest when the session is at hand.
func (f *Filter) MatchExchange(x *engine.Exchange) bool { return f.MatchRequest(x, nil) }

// MatchRequest reports whether the request x of session s satisfies the
// filter; s may be nil.
func (f *Filter) MatchRequest(x *engine.Exchange, s *engine.Session) bool {
	for i := range f.terms {
		t := &f.terms[i]
		if !t.holds(f.requestVerdict(t, x, s)) {
			return false
		}
	}
	return true
}

func (f *Filter) sessionVerdict(t *term, s *engine.Session, xs []engine.Exchange, haveRequests bool) verdict {
	switch t.field {
	case fieldIP:
		return verdictOf(anyOf(s.IPs, t.matchIP))
	case fieldUser:
		return verdictOf(t.matchText(s.User))
	case fieldRole:
		return verdictOf(t.matchText(s.Role))
	case fieldKey:
		return verdictOf(t.matchText(s.KeyPoint) || t.matchText(s.KeyID) || t.matchText(s.Actor))
	case fieldSession:
		return verdictOf(t.matchText(s.ID) || t.matchText(s.KeyID))
	case fieldMethod, fieldHost, fieldPath, fieldEndpoint, fieldExamined, fieldSpec, fieldNode, fieldBlocked:
		if !haveRequests {
			return unknown
		}
		for i := range xs {
			if f.requestVerdict(t, &xs[i], s) == yes {
				return yes
			}
		}
		return no
	case fieldStatus:
		for code, n := range s.StatusCounts {
			if n > 0 && t.matchStatus(code) {
				return yes
			}
		}
		return no
	case fieldAttack:
		return verdictOf(t.matchCounts(s.Attacks))
	case fieldFlow:
		for name, n := range s.Flows {
			if n > 0 && t.matchText(name) {
				return yes
			}
		}
		return no
	case fieldAbuse:
		for _, v := range s.Abuse {
			for _, a := range t.alts {
				if (a.any && engine.IsAbuse(v.Type)) || normalizeType(v.Type) == a.text {
					return yes
				}
			}
		}
		return no
	case fieldMCP:
		if s.MCP == nil {
			return no
		}
		for _, counts := range []map[string]int{s.MCP.Methods, s.MCP.Primitives} {
			for name, n := range counts {
				if n > 0 && t.matchText(name) {
					return yes
				}
			}
		}
		return no
	case fieldDur:
		return verdictOf(t.matchNumber(int64(s.Duration())))
	case fieldSize:
		return verdictOf(t.matchNumber(s.ReqBytes + s.RespBytes))
	case fieldSince:
		return t.matchBound(s.LastSeen, f.now, true)
	case fieldUntil:
		return t.matchBound(s.FirstSeen, f.now, false)
	case fieldText:
		if t.matchFuzzy([]string{s.Actor, s.User}) || t.matchFuzzy(s.IPs) || t.matchFuzzy(s.UserAgents) {
			return yes
		}
		if !haveRequests {
			return unknown // an endpoint might have matched
		}
		for i := range xs {
			if t.matchFuzzy([]string{xs[i].Template()}) {
				return yes
			}
		}
		return no
	}
	return unknown
}

func (f *Filter) requestVerdict(t *term, x *engine.Exchange, s *engine.Session) verdict {
	switch t.field {
	case fieldIP:
		return verdictOf(t.matchIP(x.ClientIP))
	case fieldUser, fieldRole, fieldAbuse:
		if s == nil {
			return unknown
		}
		return f.sessionVerdict(t, s, nil, false)
	case fieldKey:
		if s == nil {
			return verdictOf(t.matchText(x.KeyPoint))
		}
		return f.sessionVerdict(t, s, nil, false)
	case fieldSession:
		keyID, _, _ := cutLast(x.SessionID, '-')
		return verdictOf(t.matchText(x.SessionID) || t.matchText(keyID))
	case fieldMethod:
		return verdictOf(t.matchText(x.Method))
	case fieldHost:
		host := x.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			return verdictOf(t.matchText(host) || t.matchText(h))
		}
		return verdictOf(t.matchText(host))
	case fieldPath:
		return verdictOf(t.matchText(x.Path))
	case fieldNode:
		return verdictOf(t.matchText(x.Node))
	case fieldEndpoint:
		return verdictOf(t.matchText(x.Template()))
	case fieldStatus:
		return verdictOf(t.matchStatus(x.Status))
	case fieldAttack:
		for _, tag := range x.Attacks {
			if !tag.Counted() {
				continue
			}
			for _, a := range t.alts {
				if a.any || normalizeType(tag.Type) == a.text {
					return yes
				}
			}
		}
		return no
	case fieldMCP:
		if x.MCP == nil {
			return no
		}
		for _, m := range x.MCP.Messages {
			if t.matchText(m.Method) || t.matchText(m.Name) {
				return yes
			}
		}
		return no
	case fieldFlow:
		return verdictOf(anyOf(x.Flows, t.matchText))
	case fieldBlocked:
		return verdictOf(t.matchText(x.BlockedBy))
	case fieldExamined:
		for _, a := range t.alts {
			if x.Examined.Has(a.examined) {
				return yes
			}
		}
		return no
	case fieldSpec:
		for _, a := range t.alts {
			if x.SpecStatus != "" && (a.any || normalizeType(x.SpecStatus) == a.text) {
				return yes
			}
		}
		return no
	case fieldDur:
		return verdictOf(t.matchNumber(int64(x.Duration)))
	case fieldSize:
		return verdictOf(t.matchNumber(x.ReqBody.Size + x.RespBody.Size))
	case fieldSince:
		return t.matchBound(x.Start, f.now, true)
	case fieldUntil:
		return t.matchBound(x.Start, f.now, false)
	case fieldText:
		texts := []string{x.Path, x.Template(), x.ClientIP, x.UserAgent()}
		if s != nil {
			texts = append(texts, s.Actor, s.User)
		}
		return verdictOf(t.matchFuzzy(texts))
	}
	return unknown
}

func cutLast(s string, sep byte) (before, after string, found bool) {
	if i := strings.LastIndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

func anyOf(values []string, match func(string) bool) bool {
	for _, v := range values {
		if match(v) {
			return true
		}
	}
	return false
}

// matchText globs a text value; an empty value matches nothing, so that
// user:* means "has a user".
func (t *term) matchText(v string) bool {
	if v == "" {
		return false
	}
	for i := range t.alts {
		if t.alts[i].glob.match(v) {
			return true
		}
	}
	return false
}

func (t *term) matchIP(v string) bool {
	if v == "" {
		return false
	}
	var addr netip.Addr
	parsed := false
	for i := range t.alts {
		a := &t.alts[i]
		if a.isGlob {
			if a.glob.match(v) {
				return true
			}
			continue
		}
		if !parsed {
			var err error
			if addr, err = netip.ParseAddr(v); err != nil {
				continue
			}
			addr, parsed = addr.Unmap(), true
		}
		if a.prefix.Contains(addr) {
			return true
		}
	}
	return false
}

func (t *term) matchStatus(code int) bool {
	for _, a := range t.alts {
		if a.class != 0 {
			if engine.StatusClass(code) == a.class {
				return true
			}
		} else if a.cmp.holds(int64(code)) {
			return true
		}
	}
	return false
}

func (t *term) matchNumber(v int64) bool {
	for _, a := range t.alts {
		if a.cmp.holds(v) {
			return true
		}
	}
	return false
}

// matchCounts judges attack:type and attack:any against a count per type.
func (t *term) matchCounts(counts map[string]int) bool {
	for name, n := range counts {
		if n <= 0 {
			continue
		}
		for _, a := range t.alts {
			if a.any || normalizeType(name) == a.text {
				return true
			}
		}
	}
	return false
}

// matchBound judges since (v at or after the bound) or until (v at or
// before it); a relative bound without a reference time is unknown.
func (t *term) matchBound(v, now time.Time, since bool) verdict {
	for _, a := range t.alts {
		bound, ok := a.at.resolve(now)
		if !ok {
			return unknown
		}
		if since && !v.Before(bound) || !since && !v.After(bound) {
			return yes
		}
	}
	return no
}

func (t *term) matchFuzzy(texts []string) bool {
	for _, a := range t.alts {
		for _, s := range texts {
			if fuzzyMatch(a.text, s) {
				return true
			}
		}
	}
	return false
}
