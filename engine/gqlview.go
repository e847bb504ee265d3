package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// GraphQL over HTTP is a POST of {"query", "operationName", "variables"}
// (or a JSON array of them, a batch), a GET with ?query=, or a POST of the
// bare document as application/graphql. Search APIs also take a "query", so
// a candidate counts as GraphQL only when its document parses, or when the
// path or Content-Type says GraphQL (then a document that does not parse is
// recorded with its error). The View decides what is a candidate from the
// method, Content-Type and a byte search, and parses nothing else.

// Bounds on what one exchange records.
const (
	maxGQLFields = 32
	maxGQLBatch  = 64
	maxGQLError  = 256
)

// gqlRequest is one operation request of a body.
type gqlRequest struct {
	query, operation string
}

// GQL returns what the exchange carries of GraphQL, or nil when it is not
// GraphQL traffic. It decodes once per exchange.
func (v *View) GQL() *GQLInfo {
	if !v.proto.gqlDone {
		v.proto.gqlDone = true
		v.proto.gql = v.readGQL()
	}
	return v.proto.gql
}

func (v *View) readGQL() *GQLInfo {
	x := v.x
	var (
		reqs  []gqlRequest
		batch int
	)
	ct := strings.ToLower(x.ReqHeader("Content-Type"))
	switch x.Method {
	case "GET":
		if !strings.Contains(x.Query, "query=") {
			return nil
		}
		q := queryValue(x.Query, "query")
		if q == "" {
			return nil
		}
		reqs = append(reqs, gqlRequest{query: q, operation: queryValue(x.Query, "operationName")})
		if vars := queryValue(x.Query, "variables"); vars != "" {
			v.proto.gqlVars = []byte(vars)
		}
	case "POST":
		body := v.body(false)
		switch {
		case strings.Contains(ct, "graphql") && !strings.Contains(ct, "json"):
			reqs = append(reqs, gqlRequest{query: string(body), operation: queryValue(x.Query, "operationName")})
		case (ct == "" || strings.Contains(ct, "json")) && looksLikeJSON(body) && bytes.Contains(body, []byte(`"query"`)):
			reqs, batch = gqlRequests(body)
			v.proto.gqlVars, v.proto.gqlVarsPrefix = body, "variables."
			if batch > 0 {
				v.proto.gqlVarsPrefix = "0.variables."
			}
		default:
			return nil
		}
	default:
		return nil
	}
	if len(reqs) == 0 {
		return nil
	}
	info := &GQLInfo{Batch: batch}
	parsed := false
	for _, r := range reqs {
		doc, err := ParseGQL(r.query)
		if err != nil {
			if info.Error == "" {
				info.Error = clip(err.Error(), maxGQLError)
			}
			continue
		}
		if !parsed {
			if op, ok := doc.Operation(r.operation); ok {
				info.Type, info.Name, info.Fields = op.Type, op.Name, op.Fields
			}
			if info.Name == "" {
				info.Name = r.operation
			}
		}
		parsed = true
		info.Depth = max(info.Depth, doc.Depth)
		info.Aliases += doc.Aliases
		info.Introspection = info.Introspection || doc.Introspection
	}
	if !parsed && !strings.Contains(strings.ToLower(x.Path), "graphql") && !strings.Contains(ct, "graphql") {
		return nil
	}
	return info
}

// gqlRequests reads the operation requests of a JSON body: one object, or
// an array (a batch, whose length it returns). A body the capture cap cut
// still yields the requests complete before the cut.
func gqlRequests(body []byte) ([]gqlRequest, int) {
	if bytes.TrimSpace(body)[0] == '{' {
		r, ok := gqlRequestAt(body, "")
		if !ok {
			return nil, 0
		}
		return []gqlRequest{r}, 0
	}
	var reqs []gqlRequest
	var elems []json.RawMessage
	if json.Unmarshal(body, &elems) == nil {
		for _, e := range elems[:min(len(elems), maxGQLBatch)] {
			if r, ok := gqlRequestAt(e, ""); ok {
				reqs = append(reqs, r)
			}
		}
		return reqs, len(elems)
	}
	for i := range maxGQLBatch {
		r, ok := gqlRequestAt(body, strconv.Itoa(i)+".")
		if !ok {
			break
		}
		reqs = append(reqs, r)
	}
	return reqs, len(reqs)
}

// gqlRequestAt reads the query and operationName members of the object at
// prefix; the query must be a string.
func gqlRequestAt(doc []byte, prefix string) (gqlRequest, bool) {
	raw, ok := jsonLookup(doc, prefix+"query", false)
	if !ok || len(raw) == 0 || raw[0] != '"' {
		return gqlRequest{}, false
	}
	r := gqlRequest{query: jsonText(raw)}
	if op, ok := jsonLookup(doc, prefix+"operationName", false); ok {
		r.operation = jsonText(op)
	}
	return r, true
}

// gqlValue reads the req.gql.* points.
func (v *View) gqlValue(name string) string {
	g := v.GQL()
	if g == nil {
		return ""
	}
	switch name {
	case "operation":
		return g.Name
	case "type":
		return g.Type
	}
	if vn, ok := strings.CutPrefix(name, "var."); ok && len(v.proto.gqlVars) > 0 {
		if raw, ok := jsonLookup(v.proto.gqlVars, v.proto.gqlVarsPrefix+vn, false); ok {
			return jsonText(raw)
		}
	}
	return ""
}

// ParseGQL parses a GraphQL executable document with gqlparser and reads
// its operations and shape. Fragments are resolved for depth and top-level
// fields, each at most once, so a document whose fragments spread each other
// many times over (or in a cycle) costs its size, not its expansion.
func ParseGQL(query string) (GQLDocument, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return GQLDocument{}, fmt.Errorf("parse graphql: %w", err)
	}
	w := gqlWalker{frags: map[string]*ast.FragmentDefinition{}, depths: map[string]int{}}
	for _, f := range doc.Fragments {
		if _, dup := w.frags[f.Name]; !dup {
			w.frags[f.Name] = f
		}
		w.scan(f.SelectionSet)
	}
	var out GQLDocument
	for _, op := range doc.Operations {
		w.scan(op.SelectionSet)
		typ := string(op.Operation)
		if typ == "" {
			typ = GQLQuery
		}
		out.Operations = append(out.Operations, GQLOperation{Type: typ, Name: op.Name, Fields: w.topFields(op.SelectionSet, nil, map[string]bool{})})
		out.Depth = max(out.Depth, w.depth(op.SelectionSet))
	}
	for _, f := range doc.Fragments {
		out.Depth = max(out.Depth, w.fragmentDepth(f.Name))
	}
	out.Aliases, out.Introspection = w.aliases, w.introspection
	return out, nil
}

// gqlWalker measures a parsed document.
type gqlWalker struct {
	frags map[string]*ast.FragmentDefinition
	// depths memoises the depth of each fragment's selection set; -1 marks
	// one being measured, so that a cycle ends instead of looping.
	depths        map[string]int
	aliases       int
	introspection bool
}

// scan counts the aliases and introspection fields of a selection set as
// written, without following fragment spreads: each definition is scanned
// once by ParseGQL.
func (w *gqlWalker) scan(set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			if s.Name == "__schema" || s.Name == "__type" {
				w.introspection = true
			}
			w.scan(s.SelectionSet)
		case *ast.InlineFragment:
			w.scan(s.SelectionSet)
		}
	}
}

// depth is the nesting of set's fields, fragments resolved.
func (w *gqlWalker) depth(set ast.SelectionSet) int {
	d := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			d = max(d, 1+w.depth(s.SelectionSet))
		case *ast.InlineFragment:
			d = max(d, w.depth(s.SelectionSet))
		case *ast.FragmentSpread:
			d = max(d, w.fragmentDepth(s.Name))
		}
	}
	return d
}

func (w *gqlWalker) fragmentDepth(name string) int {
	if d, ok := w.depths[name]; ok {
		return max(d, 0)
	}
	f := w.frags[name]
	if f == nil {
		return 0
	}
	w.depths[name] = -1
	d := w.depth(f.SelectionSet)
	w.depths[name] = d
	return d
}

// topFields appends the distinct field names set selects at its own level,
// looking through fragments; visiting guards against fragment cycles.
func (w *gqlWalker) topFields(set ast.SelectionSet, out []string, visiting map[string]bool) []string {
	for _, sel := range set {
		if len(out) >= maxGQLFields {
			break
		}
		switch s := sel.(type) {
		case *ast.Field:
			if !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		case *ast.InlineFragment:
			out = w.topFields(s.SelectionSet, out, visiting)
		case *ast.FragmentSpread:
			if f := w.frags[s.Name]; f != nil && !visiting[s.Name] {
				visiting[s.Name] = true
				out = w.topFields(f.SelectionSet, out, visiting)
			}
		}
	}
	return out
}
