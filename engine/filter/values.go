package filter

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// alt is one compiled alternative of a term's value. Which fields are set
// depends on the term's field.
type alt struct {
	text   string       // fuzzy words (lowered), attack and abuse types
	glob   glob         // text fields, and ip globs
	isGlob bool         // ip: glob rather than address or prefix
	prefix netip.Prefix // ip: an address is a full-length prefix
	cmp    comparison   // status, dur, size
	class  int          // status: the class digit of 4xx, else 0
	any    bool         // attack:any, abuse:any
	at     instant      // since, until
	// examined is the bit examined: tests.
	examined engine.Examination
}

// op is a comparison operator.
type op uint8

const (
	opEq op = iota
	opLt
	opLe
	opGt
	opGe
)

// comparison holds a number against which a value is compared.
type comparison struct {
	op op
	n  int64
}

func (c comparison) holds(v int64) bool {
	switch c.op {
	case opLt:
		return v < c.n
	case opLe:
		return v <= c.n
	case opGt:
		return v > c.n
	case opGe:
		return v >= c.n
	}
	return v == c.n
}

// cutOp splits a leading comparison operator from s.
func cutOp(s string) (op, string) {
	for _, o := range []struct {
		sym string
		op  op
	}{{">=", opGe}, {"<=", opLe}, {">", opGt}, {"<", opLt}, {"=", opEq}} {
		if rest, ok := strings.CutPrefix(s, o.sym); ok {
			return o.op, rest
		}
	}
	return opEq, s
}

// instant is a since/until bound: a span back from the reference time, or
// a fixed time.
type instant struct {
	relative bool
	back     time.Duration
	abs      time.Time
}

// resolve returns the bound at now; ok is false for a relative bound
// without a reference time.
func (in instant) resolve(now time.Time) (time.Time, bool) {
	if !in.relative {
		return in.abs, true
	}
	if now.IsZero() {
		return time.Time{}, false
	}
	return now.Add(-in.back), true
}

// parser carries what value parsing needs to report errors.
type parser struct {
	expr  string
	loc   *time.Location
	vocab *Vocabulary
}

// parseAlt interprets one alternative for field f.
func (p parser) parseAlt(f field, a rawAlt) (alt, error) {
	s := a.text
	if s == "" {
		return alt{}, errorf(p.expr, a.pos, "empty value")
	}
	switch f {
	case fieldText:
		return alt{text: lowerWord(s)}, nil
	case fieldIP:
		return p.ip(a)
	case fieldUser, fieldRole, fieldKey, fieldSession, fieldMCP, fieldNode:
		return alt{glob: compileGlob(s, true, false)}, nil
	case fieldFlow:
		g := compileGlob(s, true, false)
		if p.vocab != nil && p.vocab.Flows != nil {
			if err := p.checkName(f, a, g, p.vocab.Flows, strings.ToLower); err != nil {
				return alt{}, err
			}
		}
		return alt{glob: g}, nil
	case fieldMethod:
		for i := range len(s) {
			if c := s[i]; !isIdent(c) && c != '-' && c != '*' && c != '?' {
				return alt{}, errorf(p.expr, a.pos+i, "invalid method %q: want a name such as GET or POST", s)
			}
		}
		g := compileGlob(s, true, false)
		if p.vocab != nil {
			if err := p.checkName(f, a, g, p.vocab.Methods, strings.ToUpper); err != nil {
				return alt{}, err
			}
		}
		return alt{glob: g}, nil
	case fieldHost:
		if i := strings.IndexByte(s, '/'); i >= 0 {
			return alt{}, errorf(p.expr, a.pos+i, "invalid host %q: give a name such as api.example.com, not a URL", s)
		}
		return alt{glob: compileGlob(s, true, false)}, nil
	case fieldPath, fieldEndpoint:
		if s[0] != '/' && s[0] != '*' {
			return alt{}, errorf(p.expr, a.pos, "%s %q must start with / (for a segment anywhere, write %s:**/%s)", f, s, f, s)
		}
		return alt{glob: compileGlob(s, false, true)}, nil
	case fieldStatus:
		return p.status(a)
	case fieldAttack:
		known := AttackTypes()
		if p.vocab != nil {
			known = p.vocab.Attacks
		}
		return p.typeName(f, a, "attack type", known)
	case fieldAbuse:
		known := engine.AbuseTypes()
		if p.vocab != nil {
			known = p.vocab.Abuses
		}
		return p.typeName(f, a, "abuse type", known)
	case fieldBlocked:
		if strings.EqualFold(s, "any") {
			s = "*"
		}
		return alt{glob: compileGlob(s, true, false)}, nil
	case fieldExamined:
		bit, ok := examinedValues()[strings.ToLower(s)]
		if !ok {
			return alt{}, errorf(p.expr, a.pos, "invalid examined %q: want pending, crs, tier1 or off", s)
		}
		return alt{examined: bit}, nil
	case fieldSpec:
		return p.specStatus(a)
	case fieldDur:
		return p.duration(a)
	case fieldSize:
		return p.size(a)
	case fieldSince, fieldUntil:
		return p.instant(a)
	}
	return alt{}, errorf(p.expr, a.pos, "field %s takes no value", f)
}

func (p parser) ip(a rawAlt) (alt, error) {
	s := a.text
	if strings.ContainsAny(s, "*?") {
		return alt{isGlob: true, glob: compileGlob(s, true, false)}, nil
	}
	if strings.Contains(s, "/") {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			return alt{}, errorf(p.expr, a.pos, "invalid prefix %q: want an address and a length such as 10.0.0.0/8", s)
		}
		return alt{prefix: pfx.Masked()}, nil
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return alt{}, errorf(p.expr, a.pos, "invalid address %q: want an IP (192.0.2.1), a prefix (10.0.0.0/8) or a glob (10.0.*)", s)
	}
	addr = addr.Unmap()
	return alt{prefix: netip.PrefixFrom(addr, addr.BitLen())}, nil
}

func (p parser) status(a rawAlt) (alt, error) {
	o, rest := cutOp(a.text)
	bad := func() (alt, error) {
		return alt{}, errorf(p.expr, a.pos, "invalid status %q: want a code (404), a class (4xx) or a comparison (>=500)", a.text)
	}
	if len(rest) == 3 && '1' <= rest[0] && rest[0] <= '5' && strings.EqualFold(rest[1:], "xx") {
		if len(rest) != len(a.text) {
			return bad() // ">4xx" means nothing precise
		}
		return alt{class: int(rest[0] - '0')}, nil
	}
	if rest == "" || len(rest) > 3 {
		return bad()
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return bad()
	}
	return alt{cmp: comparison{op: o, n: int64(n)}}, nil
}

// typeName reads an attack or abuse type: "any" or a known type. Without
// a vocabulary, another identifier is accepted too unless it is a near
// miss of a known one; with one, it is an error.
func (p parser) typeName(f field, a rawAlt, what string, known []string) (alt, error) {
	s := normalizeType(a.text)
	if s == "any" {
		return alt{any: true}, nil
	}
	for i := range len(s) {
		if !isIdent(s[i]) {
			example := "sqli"
			if len(known) > 0 {
				example = known[0]
			}
			return alt{}, errorf(p.expr, a.pos, "invalid %s %q: want a name such as %s, or any", what, a.text, example)
		}
	}
	for _, k := range known {
		if s == normalizeType(k) {
			return alt{text: s}, nil
		}
	}
	if near := suggest(s, known); near != "" {
		return alt{}, p.unknown(f, a, "unknown %s %q (did you mean %s?)", what, a.text, near)
	}
	if p.vocab != nil {
		return alt{}, p.unknown(f, a, "unknown %s %q: %s", what, a.text, p.exists(f, known))
	}
	return alt{text: s}, nil
}

// specStatus reads a value of spec:, one of SpecStatuses or any (a
// request some specification covers). The set is closed whatever the
// store holds, so a value outside it is always refused.
func (p parser) specStatus(a rawAlt) (alt, error) {
	s := normalizeType(a.text)
	if s == "any" {
		return alt{any: true}, nil
	}
	known := SpecStatuses()
	if slices.Contains(known, s) {
		return alt{text: s}, nil
	}
	if near := suggest(s, known); near != "" {
		return alt{}, p.unknown(fieldSpec, a, "unknown spec status %q (did you mean %s?)", a.text, near)
	}
	return alt{}, p.unknown(fieldSpec, a, "unknown spec status %q: want %s, or any", a.text, strings.Join(known, ", "))
}

func (p parser) duration(a rawAlt) (alt, error) {
	o, rest := cutOp(a.text)
	d, err := parseSpan(rest)
	if err != nil {
		if _, numErr := strconv.ParseFloat(rest, 64); numErr == nil {
			return alt{}, errorf(p.expr, a.pos, "duration %q needs a unit: %sms or %ss?", a.text, a.text, a.text)
		}
		return alt{}, errorf(p.expr, a.pos, "invalid duration %q: want a comparison such as >500ms or <=2s", a.text)
	}
	return alt{cmp: comparison{op: o, n: int64(d)}}, nil
}

// parseSpan is time.ParseDuration that also reads days and weeks ("2d",
// "1w", "1d12h"), which is how far back investigations usually look, and
// rejects negative spans.
func parseSpan(s string) (time.Duration, error) {
	var total time.Duration
	for _, u := range []struct {
		suffix byte
		unit   time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := strings.IndexByte(s, u.suffix)
		if i <= 0 {
			continue
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || !(n >= 0 && n <= float64(math.MaxInt64)/float64(u.unit)) {
			return 0, strconv.ErrSyntax
		}
		total += time.Duration(n * float64(u.unit))
		s = s[i+1:]
	}
	if s == "" {
		if total == 0 {
			return 0, strconv.ErrSyntax
		}
		return total, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, strconv.ErrSyntax
	}
	return total + d, nil
}

func (p parser) size(a rawAlt) (alt, error) {
	o, rest := cutOp(a.text)
	i := 0
	for i < len(rest) && ('0' <= rest[i] && rest[i] <= '9' || rest[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(rest[:i], 64)
	unit, ok := sizeUnit(rest[i:])
	if err != nil || !ok || !(n >= 0 && n*float64(unit) <= math.MaxInt64/2) {
		return alt{}, errorf(p.expr, a.pos, "invalid size %q: want a comparison such as >1MB or <=500KB", a.text)
	}
	return alt{cmp: comparison{op: o, n: int64(n * float64(unit))}}, nil
}

// sizeUnit returns the bytes in a unit. K, M and G count in powers of 1024,
// as file sizes in a terminal do; KiB and friends are accepted as synonyms.
func sizeUnit(u string) (int64, bool) {
	switch strings.ToLower(u) {
	case "", "b":
		return 1, true
	case "k", "kb", "kib":
		return 1 << 10, true
	case "m", "mb", "mib":
		return 1 << 20, true
	case "g", "gb", "gib":
		return 1 << 30, true
	case "t", "tb", "tib":
		return 1 << 40, true
	}
	return 0, false
}

// timeLayouts are the absolute times since and until accept, most precise
// first.
func timeLayouts() []string {
	return []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}
}

func (p parser) instant(a rawAlt) (alt, error) {
	if d, err := parseSpan(a.text); err == nil {
		return alt{at: instant{relative: true, back: d}}, nil
	}
	for _, layout := range timeLayouts() {
		if t, err := time.ParseInLocation(layout, a.text, p.loc); err == nil {
			return alt{at: instant{abs: t}}, nil
		}
	}
	return alt{}, errorf(p.expr, a.pos, "invalid time %q: want a span back from now (30m, 1h, 2d) or a time such as 2026-11-24T10:00", a.text)
}
