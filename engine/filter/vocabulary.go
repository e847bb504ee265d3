package filter

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Vocabulary lists the values that exist for the fields whose values are
// names from a closed set: attack and abuse types, business flows and HTTP
// methods. A filter parsed with one refuses a value outside it, with a
// suggestion where one is close, instead of a filter that silently matches
// nothing. The catalogue's lists come from the engine; what the store holds
// and the configuration names are passed in by the caller, which does the
// I/O (see query.ReadVocabulary), so that a type added by a newer detector
// or a flow configured before any traffic reached it is accepted.
type Vocabulary struct {
	// Attacks are the attack types: the detector catalogue's
	// (AttackTypes) and any the store holds.
	Attacks []string
	// Abuses are the verdict types: engine.AbuseTypes and any the store
	// holds.
	Abuses []string
	// Flows are the business flows: those configured and those the store
	// holds. Nil leaves flow: unchecked, for a caller that does not know
	// the configuration; empty means no flow exists.
	Flows []string
	// Methods are the HTTP methods: the registered ones (HTTPMethods) and
	// any the store holds, such as a proxy's PURGE.
	Methods []string
}

// DefaultVocabulary is what spoor knows without a store or a
// configuration: the catalogue's attack types, the verdict types and the
// registered HTTP methods. Flows are left unchecked.
func DefaultVocabulary() *Vocabulary {
	return &Vocabulary{Attacks: AttackTypes(), Abuses: engine.AbuseTypes(), Methods: HTTPMethods()}
}

// HTTPMethods lists the methods of the IANA HTTP Method Registry, the
// common ones first: RFC 9110's, PATCH, then WebDAV's, CalDAV's and the
// versioning extensions'. A request with any of them is plausible, so a
// filter on one that no traffic used is valid and matches nothing.
func HTTPMethods() []string {
	return []string{
		"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
		"QUERY", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT",
		"MKCALENDAR", "ACL", "BIND", "UNBIND", "REBIND", "LINK", "UNLINK", "MERGE", "ORDERPATCH",
		"MKREDIRECTREF", "UPDATEREDIRECTREF", "MKWORKSPACE", "MKACTIVITY", "CHECKIN", "CHECKOUT",
		"UNCHECKOUT", "UPDATE", "LABEL", "BASELINE-CONTROL", "VERSION-CONTROL", "PRI",
	}
}

// With returns a copy of v that also holds seen's values, each list
// keeping v's order and appending what is new in seen's (types compared as
// normalizeType spells them, methods in upper case, flows ignoring case).
// Flows stay nil only when both are nil.
func (v *Vocabulary) With(seen Vocabulary) *Vocabulary {
	merge := func(base, more []string, key func(string) string) []string {
		if base == nil && more == nil {
			return nil
		}
		out := slices.Clip(slices.Clone(base))
		if out == nil {
			out = []string{}
		}
		for _, s := range more {
			if s != "" && !slices.ContainsFunc(out, func(o string) bool { return key(o) == key(s) }) {
				out = append(out, s)
			}
		}
		return out
	}
	return &Vocabulary{
		Attacks: merge(v.Attacks, seen.Attacks, normalizeType),
		Abuses:  merge(v.Abuses, seen.Abuses, normalizeType),
		Flows:   merge(v.Flows, seen.Flows, strings.ToLower),
		Methods: merge(v.Methods, seen.Methods, strings.ToUpper),
	}
}

// listing names the values of a list for an error message: all of them up
// to most, then how many more.
func listing(values []string, most int) string {
	if len(values) <= most {
		return strings.Join(values, ", ")
	}
	return strings.Join(values[:most], ", ") + ", … (" + strconv.Itoa(len(values)-most) + " more)"
}

// checkName checks one alternative of a flow or method term against the
// names that exist: a literal must be one of them, and a pattern must match
// one. key spells a name for comparison (the glob folds ASCII case itself).
func (p parser) checkName(f field, a rawAlt, g glob, names []string, key func(string) string) error {
	if slices.ContainsFunc(names, g.match) {
		return nil
	}
	what := f.String()
	if g.literal == "" {
		return p.unknown(f, a, "no %s matches %q: %s", what, a.text, p.exists(f, names))
	}
	keyed := make([]string, len(names))
	for i, n := range names {
		keyed[i] = key(n)
	}
	if near := suggest(key(a.text), keyed); near != "" {
		return p.unknown(f, a, "unknown %s %q (did you mean %s?)", what, a.text, names[slices.Index(keyed, near)])
	}
	return p.unknown(f, a, "unknown %s %q: %s", what, a.text, p.exists(f, names))
}

// exists says which values of f exist, for an error message.
func (p parser) exists(f field, names []string) string {
	switch {
	case f == fieldFlow && len(names) == 0:
		return "no business flow is configured"
	case f == fieldFlow:
		return "the flows are " + listing(names, 8)
	case f == fieldMethod:
		return "not a registered HTTP method (GET, POST, PUT, DELETE, PATCH, …) nor one the traffic used"
	}
	return "want any or " + listing(names, 10)
}

// unknown is the error for a well-formed value that names nothing that
// exists: its Field says so, for a caller that can widen the vocabulary.
func (p parser) unknown(f field, a rawAlt, format string, args ...any) error {
	e := errorf(p.expr, a.pos, format, args...)
	e.Field = f.String()
	return e
}
