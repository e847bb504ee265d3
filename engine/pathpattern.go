package engine

import (
	"fmt"
	"path"
	"strings"
)

// PathPattern matches request paths segment by segment: "*" is one segment,
// "**" any number of segments (none included), and any other segment is a
// glob of path.Match ("v?", "user*", "[0-9]*"). "/api/*/auth/**" matches
// /api/v1/auth and /api/v1/auth/login/otp. A trailing slash is ignored on
// both sides, so "/login" also matches "/login/".
type PathPattern struct {
	segs []patternSeg
	raw  string
}

type patternSeg struct {
	text string
	kind segKind
}

type segKind uint8

const (
	segLiteral segKind = iota
	segOne             // "*"
	segAny             // "**"
	segPrefix          // "user*": a literal prefix, matched without path.Match
	segGlob
)

// ParsePathPattern parses a pattern; it must start with "/".
func ParsePathPattern(s string) (PathPattern, error) {
	if !strings.HasPrefix(s, "/") {
		return PathPattern{}, fmt.Errorf("path pattern %q must start with \"/\"", s)
	}
	p := PathPattern{raw: s}
	for seg := range pathSegments(s) {
		ps := patternSeg{text: seg}
		switch {
		case seg == "**":
			ps.kind = segAny
			if n := len(p.segs); n > 0 && p.segs[n-1].kind == segAny {
				continue // "**/**" is "**"
			}
		case seg == "*":
			ps.kind = segOne
		case strings.ContainsAny(seg, `*?[\`):
			if _, err := path.Match(seg, ""); err != nil {
				return PathPattern{}, fmt.Errorf("path pattern %q: bad segment %q: %w", s, seg, err)
			}
			ps.kind = segGlob
			if prefix, ok := strings.CutSuffix(seg, "*"); ok && !strings.ContainsAny(prefix, `*?[\`) {
				ps.kind, ps.text = segPrefix, prefix
			}
		}
		p.segs = append(p.segs, ps)
	}
	return p, nil
}

// String returns the pattern as written.
func (p PathPattern) String() string { return p.raw }

// Match reports whether the path matches.
func (p PathPattern) Match(urlPath string) bool {
	var stack [16]string
	return p.matchSegs(splitPath(urlPath, stack[:0]))
}

// matchSegs matches pre-split path segments, so that one split serves every
// pattern of a table. It is the classic wildcard match that backtracks only
// to the last "**": linear in practice and never exponential, whatever a
// hostile path looks like.
func (p PathPattern) matchSegs(segs []string) bool {
	// A last segment other than "**" must match the path's last segment:
	// checking it first rejects most patterns of a table at once.
	if n := len(p.segs); n > 0 && p.segs[n-1].kind != segAny {
		if len(segs) == 0 || !p.segs[n-1].match(segs[len(segs)-1]) {
			return false
		}
	}
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(segs) {
		if pi < len(p.segs) && p.segs[pi].kind == segAny {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(p.segs) && p.segs[pi].match(segs[si]) {
			pi++
			si++
			continue
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		si = mark
	}
	for pi < len(p.segs) && p.segs[pi].kind == segAny {
		pi++
	}
	return pi == len(p.segs)
}

func (s patternSeg) match(seg string) bool {
	switch s.kind {
	case segOne:
		return true
	case segPrefix:
		return strings.HasPrefix(seg, s.text)
	case segGlob:
		ok, _ := path.Match(s.text, seg) // validated when parsed
		return ok
	}
	return s.text == seg
}

// splitPath appends the segments of a path to dst: "/a/b/" gives [a b], and
// "/" or "" gives none.
func splitPath(p string, dst []string) []string {
	for seg := range pathSegments(p) {
		dst = append(dst, seg)
	}
	return dst
}

// pathSegments yields the segments of a path without its leading and one
// trailing slash.
func pathSegments(p string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		p = strings.TrimPrefix(p, "/")
		p = strings.TrimSuffix(p, "/")
		for p != "" {
			var seg string
			seg, p, _ = strings.Cut(p, "/")
			if !yield(seg) {
				return
			}
		}
	}
}
