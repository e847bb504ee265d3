package filter

import (
	"strings"
	"time"
)

// Options set what a filter is measured against.
type Options struct {
	// Now is the reference time of relative bounds (since:1h). A filter
	// without one matches nothing with such a term; At sets it later.
	Now time.Time
	// Location reads absolute times written without a zone
	// (2026-11-24T10:00); UTC when nil.
	Location *time.Location
	// Vocabulary, when set, is what exists for attack, abuse, flow and
	// method: a value outside it is an error. Without one, only a near
	// miss of a catalogued attack or abuse type is, so that a filter
	// checked once against a vocabulary can be parsed again later (with a
	// new reference time) without the vocabulary at hand.
	Vocabulary *Vocabulary
}

// Filter is a parsed filter expression. It is immutable and safe for
// concurrent use.
type Filter struct {
	expr  string
	terms []term
	now   time.Time
}

// term is one compiled term: all of a filter's terms must hold, and any of
// a term's alternatives.
type term struct {
	pos   int
	neg   bool
	field field
	alts  []alt
}

// Parse parses expr with no reference time and UTC for absolute times; see
// ParseOptions.
func Parse(expr string) (*Filter, error) { return ParseOptions(expr, Options{}) }

// ParseOptions parses expr. An error is always an *Error locating the
// mistake. An empty expression is a filter that matches everything.
func ParseOptions(expr string, opts Options) (*Filter, error) {
	raw, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := parser{expr: expr, loc: opts.Location, vocab: opts.Vocabulary}
	if p.loc == nil {
		p.loc = time.UTC
	}
	f := &Filter{expr: expr, now: opts.Now, terms: make([]term, 0, len(raw))}
	for _, r := range raw {
		t := term{pos: r.pos, neg: r.neg, field: fieldText}
		if r.hasField {
			fl, ok := lookupField(r.field)
			if !ok {
				return nil, unknownField(expr, r)
			}
			t.field = fl
		}
		for _, a := range r.alts {
			v, err := p.parseAlt(t.field, a)
			if err != nil {
				return nil, err
			}
			t.alts = append(t.alts, v)
		}
		f.terms = append(f.terms, t)
	}
	return f, nil
}

func unknownField(expr string, r rawTerm) error {
	if near := suggest(strings.ToLower(r.field), Fields()); near != "" {
		return errorf(expr, r.fieldPos, "unknown field %q (did you mean %s?)", r.field, near)
	}
	return errorf(expr, r.fieldPos, "unknown field %q (fields are %s; quote text that contains ':')", r.field, strings.Join(Fields(), ", "))
}

// At returns a copy of f whose relative bounds are measured back from now,
// so that a live view can keep "since:1h" sliding without parsing again.
func (f *Filter) At(now time.Time) *Filter {
	c := *f
	c.now = now
	return &c
}

// String returns the expression as written.
func (f *Filter) String() string { return f.expr }

// Empty reports whether the filter has no terms and so matches everything.
func (f *Filter) Empty() bool { return len(f.terms) == 0 }

// NeedsRequests reports whether judging a session needs its requests: a
// term on method, host, path or endpoint, which the summary does not keep,
// or fuzzy text, which also looks at the endpoints a session requested.
// Callers that can load requests then use MatchSessionRequests.
func (f *Filter) NeedsRequests() bool {
	for _, t := range f.terms {
		if t.field.aboutRequests() || t.field == fieldText {
			return true
		}
	}
	return false
}

// Relative reports whether the filter has a bound relative to now.
func (f *Filter) Relative() bool {
	for _, t := range f.terms {
		for _, a := range t.alts {
			if a.at.relative {
				return true
			}
		}
	}
	return false
}
