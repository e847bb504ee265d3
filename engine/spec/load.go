package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine/inventory"
)

// Source is one specification file, read by the caller.
type Source struct {
	// Name is how reasons name the file ("shop.yaml").
	Name string
	Data []byte
	// Host, when set, limits the file to requests for that host (a port
	// in the request's Host is ignored unless Host names one). Unset, the
	// file covers every host: servers' hosts are production names that a
	// capture in front of a local API does not see.
	Host string
	// BasePath, when set, replaces the base paths of the file's servers
	// (OpenAPI 3) or basePath (Swagger 2).
	BasePath string
	// Previous is an older version of the same API: an operation it lists
	// and this one does not is a zombie.
	Previous *Source
}

// Set is the loaded specifications, ready to match requests. It is
// read-only once loaded, so any goroutine may use it.
type Set struct {
	docs []*document
}

// document is one loaded file.
type document struct {
	name  string
	host  string
	bases []string // path prefixes without a trailing slash; "" for none
	paths []*pathEntry
	// byLen holds the paths by their number of segments, the first cut
	// of every match.
	byLen    map[int][]*pathEntry
	previous *document
	// reasons are the document's fixed reasons, built once.
	reasons struct{ documented, deprecated, shadow string }
}

// pathEntry is one path of a document, split for matching.
type pathEntry struct {
	template string
	// base and based are the document's first base path and the template
	// under it, joined once.
	base, based string
	segs        []segment
	ops         map[string]*operation // by upper-case method
}

// segment is one segment of a path template: a literal, or a parameter
// with the literal text around it ("{name}.json").
type segment struct {
	literal        string
	param          bool
	prefix, suffix string
}

type operation struct {
	deprecated bool
	declared   []inventory.Param
}

// maxSegments bounds a template's segments: matching ranks candidates
// by a bit per segment.
const maxSegments = 63

// Load parses every source (and its Previous). An error names the file.
func Load(sources []Source) (*Set, error) {
	s := &Set{}
	for _, src := range sources {
		d, err := loadDocument(src, 0)
		if err != nil {
			return nil, err
		}
		s.docs = append(s.docs, d)
	}
	return s, nil
}

// Len is the number of specifications loaded (not counting previous
// versions).
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.docs)
}

func loadDocument(src Source, depth int) (*document, error) {
	if depth > 8 {
		return nil, fmt.Errorf("spec %s: more than 8 previous versions chained", src.Name)
	}
	doc, err := parse(src.Data)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", src.Name, err)
	}
	d := &document{name: src.Name, host: strings.ToLower(src.Host)}
	if src.BasePath != "" {
		d.bases = []string{cleanBase(src.BasePath)}
	} else {
		d.bases = serverBases(doc.Servers)
	}
	if doc.Paths != nil {
		for template, item := range doc.Paths.Map() {
			if item == nil {
				continue
			}
			e, err := newPathEntry(template, item)
			if err != nil {
				return nil, fmt.Errorf("spec %s: %w", src.Name, err)
			}
			d.paths = append(d.paths, e)
		}
	}
	// Map order is random: sort so that equal ranks resolve the same way
	// on every run.
	slices.SortFunc(d.paths, func(a, b *pathEntry) int { return strings.Compare(a.template, b.template) })
	d.reasons.documented, d.reasons.deprecated, d.reasons.shadow = "in "+d.name, "deprecated in "+d.name, "not in "+d.name
	d.byLen = make(map[int][]*pathEntry)
	for _, e := range d.paths {
		e.base, e.based = d.bases[0], d.bases[0]+e.template
		d.byLen[len(e.segs)] = append(d.byLen[len(e.segs)], e)
	}
	if src.Previous != nil {
		prev := *src.Previous
		if prev.Host == "" {
			prev.Host = src.Host
		}
		if prev.BasePath == "" {
			prev.BasePath = src.BasePath
		}
		if d.previous, err = loadDocument(prev, depth+1); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// parse reads OpenAPI 3 with kin-openapi's loader (external references
// refused, so it reads nothing but data), or Swagger 2 through
// kin-openapi's openapi2 and its conversion to OpenAPI 3.
func parse(data []byte) (doc *openapi3.T, err error) {
	defer func() {
		// kin-openapi is a large parser of untrusted input: a panic in
		// it must be a bad file, not a crashed capture.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("unreadable specification (%v)", r)
		}
	}()
	var head struct {
		Swagger any `yaml:"swagger"`
		OpenAPI any `yaml:"openapi"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	switch {
	case head.OpenAPI != nil:
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		return loader.LoadFromData(data)
	case head.Swagger != nil:
		var tree any
		if err := yaml.Unmarshal(data, &tree); err != nil {
			return nil, fmt.Errorf("not YAML or JSON: %w", err)
		}
		js, err := json.Marshal(tree)
		if err != nil {
			return nil, fmt.Errorf("swagger 2.0 document: %w", err)
		}
		var d2 openapi2.T
		if err := json.Unmarshal(js, &d2); err != nil {
			return nil, fmt.Errorf("swagger 2.0 document: %w", err)
		}
		return openapi2conv.ToV3(&d2)
	}
	return nil, errors.New("neither an OpenAPI document (no openapi: field) nor a Swagger 2.0 one (no swagger: field)")
}

// serverBases are the path parts of the servers' URLs, with their
// variables' defaults substituted; none means no base path.
func serverBases(servers openapi3.Servers) []string {
	var bases []string
	for _, sv := range servers {
		if sv == nil {
			continue
		}
		u := sv.URL
		for name, v := range sv.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		p := u
		if i := strings.Index(u, "://"); i >= 0 {
			rest := u[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				p = rest[j:]
			} else {
				p = ""
			}
		}
		if parsed, err := url.Parse(p); err == nil {
			p = parsed.Path
		}
		if b := cleanBase(p); !slices.Contains(bases, b) {
			bases = append(bases, b)
		}
	}
	if len(bases) == 0 {
		bases = []string{""}
	}
	// Longest first, so that /api/v2 is tried before /api.
	slices.SortFunc(bases, func(a, b string) int { return len(b) - len(a) })
	return bases
}

func cleanBase(p string) string {
	p = strings.TrimRight(p, "/")
	if p != "" && p[0] != '/' {
		p = "/" + p
	}
	return p
}

func newPathEntry(template string, item *openapi3.PathItem) (*pathEntry, error) {
	e := &pathEntry{template: template, ops: make(map[string]*operation)}
	for _, raw := range splitPath(template) {
		e.segs = append(e.segs, parseSegment(raw))
	}
	if len(e.segs) > maxSegments {
		return nil, fmt.Errorf("path %s has more than %d segments", template, maxSegments)
	}
	for method, op := range item.Operations() {
		if op == nil {
			continue
		}
		o := &operation{deprecated: op.Deprecated}
		o.declared = appendParams(o.declared, item.Parameters)
		o.declared = appendParams(o.declared, op.Parameters)
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			for mt, media := range op.RequestBody.Value.Content {
				in := bodyIn(mt)
				if in == "" || media == nil || media.Schema == nil || media.Schema.Value == nil {
					continue
				}
				for name := range media.Schema.Value.Properties {
					o.declared = append(o.declared, inventory.Param{Name: name, In: in})
				}
			}
		}
		e.ops[strings.ToUpper(method)] = o
	}
	return e, nil
}

func appendParams(out []inventory.Param, ps openapi3.Parameters) []inventory.Param {
	for _, p := range ps {
		if p == nil || p.Value == nil {
			continue
		}
		out = append(out, inventory.Param{Name: p.Value.Name, In: p.Value.In})
	}
	return out
}

// bodyIn is where the inventory records a body's fields for a media
// type: json, form, or "" for bodies it does not read.
func bodyIn(mediaType string) string {
	mt := strings.ToLower(mediaType)
	switch {
	case strings.Contains(mt, "json"):
		return "json"
	case strings.HasPrefix(mt, "application/x-www-form-urlencoded"), strings.HasPrefix(mt, "multipart/form-data"):
		return "form"
	}
	return ""
}

// splitPath splits a path into segments, ignoring a trailing slash.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func parseSegment(raw string) segment {
	open := strings.IndexByte(raw, '{')
	if open < 0 {
		return segment{literal: raw}
	}
	end := strings.IndexByte(raw[open:], '}')
	if end < 0 {
		return segment{literal: raw}
	}
	end += open
	return segment{param: true, prefix: raw[:open], suffix: raw[end+1:]}
}
