package detect

import "github.com/spoorhq/spoor/engine"

// pointKind is the part of a request a value comes from.
type pointKind uint8

const (
	pointQuery pointKind = iota
	pointForm
	pointJSON
	pointCookie
	pointHeader
	pointPath
	pointBody
)

// point is where a value was found. Its spelling is built only when a tag
// needs it, so that scanning a clean request builds no strings.
type point struct {
	kind pointKind
	// name is the parameter, cookie or header name.
	name string
	// path is the dotted JSON path of a JSON leaf, held in the walker's
	// buffer; it is copied when the point is spelled.
	path []byte
}

// String spells the point in the grammar of engine.Point.
func (p *point) String() string {
	switch p.kind {
	case pointQuery:
		return "req.query." + p.name
	case pointForm:
		return "req.form." + p.name
	case pointJSON:
		return "req.json." + string(p.path)
	case pointCookie:
		return "req.cookie." + p.name
	case pointHeader:
		return "req.header." + p.name
	case pointPath:
		return "req.path"
	}
	return "req.body"
}

// param reports whether the point is a parameter an application reads as
// data (query, form or JSON), the places where URLs and operators that
// target the application's own logic (SSRF, NoSQL, redirects) arrive.
func (p *point) param() bool {
	return p.kind == pointQuery || p.kind == pointForm || p.kind == pointJSON
}

// leafIn reports whether the last name of the point (a parameter's name,
// or the last key of a JSON path: "url" in "hooks.0.url") is in set,
// ignoring case.
func (p *point) leafIn(set *wordSet) bool {
	if p.kind != pointJSON {
		return inSet(set, p.name)
	}
	leaf := p.path
	for i := len(p.path) - 1; i >= 0; i-- {
		if p.path[i] == '.' {
			leaf = p.path[i+1:]
			break
		}
	}
	return len(leaf) > 0 && inSet(set, leaf)
}

// tagSet collects an exchange's tags, one per attack type and point.
type tagSet struct {
	tags []engine.AttackTag
}

// has reports whether a tag of typ at pt is already there.
func (t *tagSet) has(typ, pt string) bool {
	for i := range t.tags {
		if t.tags[i].Type == typ && t.tags[i].Point == pt {
			return true
		}
	}
	return false
}

// add records a tag unless one of its type and point exists.
func (t *tagSet) add(tag engine.AttackTag) {
	if !t.has(tag.Type, tag.Point) {
		t.tags = append(t.tags, tag)
	}
}
