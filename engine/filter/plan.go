package filter

import (
	"time"

	"github.com/spoorhq/spoor/engine"
)

// IndexTerm is a term an index can narrow: it is not negated, and anything
// it matches carries an indexed value it accepts, so the ids filed under
// accepted values are a superset of the matches. The filter still decides
// on each candidate.
type IndexTerm struct {
	// Field is the filter field, as the store's IndexedFields names it.
	Field string
	// Accept reports whether a value filed under Field may match.
	Accept func(value string) bool
}

// IndexTerms lists the filter's terms that an index on their field can
// narrow, in the order written. Negated terms, fuzzy words and terms that
// could match a request or session without an indexed value (a missing
// status, an empty user) are left to the evaluation of the whole filter.
func (f *Filter) IndexTerms() []IndexTerm {
	var out []IndexTerm
	for i := range f.terms {
		t := &f.terms[i]
		if t.neg {
			continue
		}
		var accept func(string) bool
		switch t.field {
		case fieldIP:
			accept = t.matchIP
		case fieldUser, fieldRole, fieldEndpoint, fieldFlow:
			accept = t.matchText
		case fieldStatus:
			if !t.statusByClass() {
				continue
			}
			accept = t.acceptStatusClass
		case fieldAttack:
			accept = t.acceptType(func(string) bool { return true })
		case fieldAbuse:
			accept = t.acceptType(engine.IsAbuse)
		default:
			continue
		}
		out = append(out, IndexTerm{Field: t.field.String(), Accept: accept})
	}
	return out
}

// statusByClass reports whether every alternative names a class or one
// code of the classes 1xx to 5xx: the status index files classes, and a
// comparison could match a missing status or a code outside them.
func (t *term) statusByClass() bool {
	for _, a := range t.alts {
		if a.class == 0 && (a.cmp.op != opEq || a.cmp.n < 100 || a.cmp.n > 599) {
			return false
		}
	}
	return true
}

// acceptStatusClass accepts a class name ("4xx") that an alternative's
// class or code falls in.
func (t *term) acceptStatusClass(v string) bool {
	if len(v) != 3 || v[1:] != "xx" || v[0] < '1' || v[0] > '5' {
		return false
	}
	class := int(v[0] - '0')
	for _, a := range t.alts {
		if a.class == class || a.class == 0 && engine.StatusClass(int(a.cmp.n)) == class {
			return true
		}
	}
	return false
}

// acceptType accepts an attack or abuse type an alternative names, or any
// type anyOK accepts for "any".
func (t *term) acceptType(anyOK func(string) bool) func(string) bool {
	return func(v string) bool {
		for _, a := range t.alts {
			if a.any && anyOK(v) || !a.any && normalizeType(v) == a.text {
				return true
			}
		}
		return false
	}
}

// Since returns the latest time every session the filter matches was last
// seen at or after, from its positive since terms at its reference time;
// ok is false when it has none. A walk of sessions newest first can stop
// at the first session older than it.
func (f *Filter) Since() (bound time.Time, ok bool) {
	for i := range f.terms {
		t := &f.terms[i]
		if t.neg || t.field != fieldSince {
			continue
		}
		// A term holds when any alternative does: its bound is the
		// earliest of its alternatives'.
		var earliest time.Time
		all := true
		for j, a := range t.alts {
			b, resolved := a.at.resolve(f.now)
			if !resolved {
				all = false
				break
			}
			if j == 0 || b.Before(earliest) {
				earliest = b
			}
		}
		if all && (!ok || earliest.After(bound)) {
			bound, ok = earliest, true
		}
	}
	return bound, ok
}
