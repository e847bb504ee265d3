package filter

import "strings"

// glob is a compiled wildcard pattern. In path mode "*" and "?" stay within
// one segment, "**" crosses segments, and "/**" also matches nothing, so
// /api/** matches /api and /a/**/b matches /a/b. Elsewhere "*" and "**" both
// match any run of characters. Matching is a single pass of a set of
// positions per pattern token, linear in the text for each token: a hostile
// pattern or path cannot make it backtrack.
type glob struct {
	literal string // the whole pattern, when it has no wildcard
	toks    []globTok
	fold    bool
	path    bool
}

type globKind uint8

const (
	tokByte     globKind = iota // one literal byte
	tokOne                      // ?
	tokStar                     // *: any run, within a segment in path mode
	tokAny                      // **: any run
	tokSlashAny                 // /** in path mode: nothing, or "/" and any run
)

type globTok struct {
	kind globKind
	c    byte
}

// compileGlob compiles p. With fold, ASCII letters match either case.
func compileGlob(p string, fold, path bool) glob {
	g := glob{fold: fold, path: path}
	if !strings.ContainsAny(p, "*?") {
		g.literal = p
		return g
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case path && c == '/' && strings.HasPrefix(p[i+1:], "**") && (i+3 == len(p) || p[i+3] == '/' || p[i+3] == '*'):
			g.toks = append(g.toks, globTok{kind: tokSlashAny})
			i += 2
			for i+1 < len(p) && p[i+1] == '*' {
				i++ // "/***" is "/**"
			}
		case c == '*':
			kind := tokStar
			for i+1 < len(p) && p[i+1] == '*' {
				kind = tokAny
				i++
			}
			if !path {
				kind = tokAny
			}
			g.toks = append(g.toks, globTok{kind: kind})
		case c == '?':
			g.toks = append(g.toks, globTok{kind: tokOne})
		default:
			if fold {
				c = lowerASCII(c)
			}
			g.toks = append(g.toks, globTok{kind: tokByte, c: c})
		}
	}
	return g
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// match reports whether the whole of s matches.
func (g glob) match(s string) bool {
	if g.toks == nil {
		if g.fold {
			return strings.EqualFold(g.literal, s)
		}
		return g.literal == s
	}
	var bufA, bufB [128]bool
	cur, next := bufA[:0], bufB[:0]
	if len(s)+1 > len(bufA) {
		cur, next = make([]bool, 0, len(s)+1), make([]bool, 0, len(s)+1)
	}
	cur, next = cur[:len(s)+1], next[:len(s)+1]
	clear(cur)
	cur[0] = true
	for _, t := range g.toks {
		clear(next)
		alive := false
		switch t.kind {
		case tokByte:
			for k := range len(s) {
				c := s[k]
				if g.fold {
					c = lowerASCII(c)
				}
				if cur[k] && c == t.c {
					next[k+1], alive = true, true
				}
			}
		case tokOne:
			for k := range len(s) {
				if cur[k] && !(g.path && s[k] == '/') {
					next[k+1], alive = true, true
				}
			}
		case tokStar, tokAny:
			reach := false
			for k := range len(s) + 1 {
				if t.kind == tokStar && k > 0 && s[k-1] == '/' {
					reach = false
				}
				reach = reach || cur[k]
				next[k] = reach
				alive = alive || reach
			}
		case tokSlashAny:
			reach := false
			for k := range len(s) + 1 {
				next[k] = cur[k] || reach
				alive = alive || next[k]
				if k < len(s) && cur[k] && s[k] == '/' {
					reach = true
				}
			}
		}
		if !alive {
			return false
		}
		cur, next = next, cur
	}
	return cur[len(s)]
}
