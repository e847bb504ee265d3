package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The demo's GraphQL endpoint serves the catalog to the storefront, over
// POST (JSON query, operationName, variables) and GET (?query=) as
// GraphQL-over-HTTP describes. Its schema, which the executor below
// implements by hand rather than with a GraphQL server library:
//
//	type Query {
//	  products(page: Int = 1, size: Int = 20): ProductPage!
//	  product(id: ID!): Product
//	  search(q: String!): [Product!]!
//	  categories: [String!]!
//	}
//	type Mutation {
//	  createReview(productId: ID!, rating: Int!, text: String): Review!
//	}
//	type ProductPage { page: Int! pages: Int! total: Int! items: [Product!]! }
//	type Product { id: ID! name: String! category: String! priceCents: Int! stock: Int! description: String }
//	type Review { id: ID! productId: ID! rating: Int! text: String }
//
// Like a careful production server it refuses introspection, GET
// mutations, batches and queries nested deeper than maxGraphQLDepth, so
// that what spoor flags in a GraphQL session is the client's doing.
const (
	maxGraphQLDepth = 8
	maxReviewText   = 500
)

// routeGraphQL mounts the GraphQL endpoint on mux.
func (s *api) routeGraphQL(mux *http.ServeMux) {
	d := delay{base: 2 * time.Millisecond, spread: 10 * time.Millisecond, slowChance: 0.05, slow: 120 * time.Millisecond}
	mux.HandleFunc("POST /graphql", s.slowed(d, s.graphQLPost))
	mux.HandleFunc("GET /graphql", s.slowed(d, s.graphQLGet))
}

// graphQLRequest is the body of a GraphQL POST.
type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// graphQLError is one entry of a response's errors.
type graphQLError struct {
	Message string `json:"message"`
	Path    []any  `json:"path,omitempty"`
}

func writeGraphQLErrors(w http.ResponseWriter, status int, errs ...graphQLError) {
	writeJSON(w, status, map[string]any{"errors": errs})
}

func (s *api) graphQLPost(w http.ResponseWriter, r *http.Request) {
	var req graphQLRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: "want one JSON object with a query (batches are not supported): " + err.Error()})
		return
	}
	s.graphQL(w, req, true)
}

func (s *api) graphQLGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := graphQLRequest{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
			writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: "variables must be a JSON object"})
			return
		}
	}
	s.graphQL(w, req, false)
}

// graphQL parses, checks and runs one operation.
func (s *api) graphQL(w http.ResponseWriter, req graphQLRequest, mutations bool) {
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: err.Error()})
		return
	}
	var op *ast.OperationDefinition
	if req.OperationName == "" && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	} else {
		op = doc.Operations.ForName(req.OperationName)
	}
	switch {
	case op == nil:
		writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: "no operation to run: name one with operationName"})
		return
	case op.Operation == ast.Subscription:
		writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: "subscriptions are not supported"})
		return
	case op.Operation == ast.Mutation && !mutations:
		w.Header().Set("Allow", "POST")
		writeGraphQLErrors(w, http.StatusMethodNotAllowed, graphQLError{Message: "mutations need POST"})
		return
	}
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	e := &executor{api: s, vars: req.Variables, frags: frags}
	if d := e.depth(op.SelectionSet, map[string]bool{}); d > maxGraphQLDepth {
		writeGraphQLErrors(w, http.StatusBadRequest, graphQLError{Message: fmt.Sprintf("the query nests %d levels deep, more than %d", d, maxGraphQLDepth)})
		return
	}
	data := e.root(op)
	if e.refused {
		writeGraphQLErrors(w, http.StatusBadRequest, e.errs...)
		return
	}
	out := map[string]any{"data": data}
	if len(e.errs) > 0 {
		out["errors"] = e.errs
	}
	writeJSON(w, http.StatusOK, out)
}

// object is a response object that keeps its fields in selection order,
// as GraphQL requires and a Go map would not.
type object []objectField

type objectField struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, fmt.Errorf("encode field %s: %w", f.key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// node is a resolved object: its fields by name, and its type name under
// "__typename".
type node map[string]any

// executor runs one operation.
type executor struct {
	api   *api
	vars  map[string]any
	frags map[string]*ast.FragmentDefinition
	errs  []graphQLError
	// refused is set by an error that rejects the whole request
	// (introspection) rather than one field.
	refused bool
}

func (e *executor) fail(path []any, format string, args ...any) {
	e.errs = append(e.errs, graphQLError{Message: fmt.Sprintf(format, args...), Path: path})
}

// fields flattens a selection set: fragment spreads and inline fragments
// contribute their fields, each fragment once, so that a cycle ends.
func (e *executor) fields(set ast.SelectionSet, seen map[string]bool, out []*ast.Field) []*ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = e.fields(s.SelectionSet, seen, out)
		case *ast.FragmentSpread:
			if f := e.frags[s.Name]; f != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = e.fields(f.SelectionSet, seen, out)
			}
		}
	}
	return out
}

// root resolves the operation's top-level fields.
func (e *executor) root(op *ast.OperationDefinition) object {
	var out object
	for _, f := range e.fields(op.SelectionSet, map[string]bool{}, nil) {
		path := []any{f.Alias}
		if f.Name == "__schema" || f.Name == "__type" {
			e.refused = true
			e.fail(path, "introspection is disabled")
			continue
		}
		var v any
		if f.Name == "__typename" {
			v = "Query"
			if op.Operation == ast.Mutation {
				v = "Mutation"
			}
		} else if op.Operation == ast.Mutation {
			v = e.mutation(f, path)
		} else {
			v = e.query(f, path)
		}
		out = append(out, objectField{f.Alias, e.project(v, f, path)})
	}
	return out
}

// depth is how deep a selection set nests, fragments resolved once each
// along a path, so that a cycle ends.
func (e *executor) depth(set ast.SelectionSet, seen map[string]bool) int {
	d := 0
	for _, f := range e.fields(set, seen, nil) {
		d = max(d, 1+e.depth(f.SelectionSet, seen))
	}
	return d
}

// project shapes a resolved value by the field's selection set.
func (e *executor) project(v any, f *ast.Field, path []any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case node:
		if len(f.SelectionSet) == 0 {
			e.fail(path, "field %q of type %s needs a selection of subfields", f.Name, v["__typename"])
			return nil
		}
		var out object
		for _, sub := range e.fields(f.SelectionSet, map[string]bool{}, nil) {
			val, ok := v[sub.Name]
			if !ok {
				e.fail(extend(path, sub.Alias), "cannot query field %q on type %s", sub.Name, v["__typename"])
				continue
			}
			out = append(out, objectField{sub.Alias, e.project(val, sub, extend(path, sub.Alias))})
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = e.project(item, f, extend(path, i))
		}
		return out
	}
	if len(f.SelectionSet) > 0 {
		e.fail(path, "field %q is a scalar and has no subfields", f.Name)
		return nil
	}
	return v
}

// query resolves a field of Query.
func (e *executor) query(f *ast.Field, path []any) any {
	c := e.api.catalog
	switch f.Name {
	case "products":
		page, ok1 := e.intArg(f, "page", 1)
		size, ok2 := e.intArg(f, "size", defaultPageSize)
		if !ok1 || !ok2 || page < 1 || size < 1 || size > maxPageSize {
			e.fail(path, "page must be a positive integer and size from 1 to %d", maxPageSize)
			return nil
		}
		pages := (productCount + size - 1) / size
		items := []any{}
		for i := (page - 1) * size; i < min(page*size, productCount); i++ {
			items = append(items, productNode(c.products[i]))
		}
		return node{"__typename": "ProductPage", "page": page, "pages": pages, "total": productCount, "items": items}
	case "product":
		id, ok := e.intArg(f, "id", 0)
		if !ok {
			e.fail(path, "id must be an integer ID")
			return nil
		}
		if p, found := c.product(id); found {
			return productNode(p)
		}
		return nil
	case "search":
		q, _ := e.arg(f, "q").(string)
		if q == "" || len(q) > maxSearchLen {
			e.fail(path, "q must be a string of 1 to %d bytes", maxSearchLen)
			return nil
		}
		items := []any{}
		for _, p := range c.products {
			if len(items) == maxSearchHits {
				break
			}
			if containsFold(p.Name, q) || containsFold(p.Category, q) {
				items = append(items, productNode(p))
			}
		}
		return items
	case "categories":
		var out []any
		for _, cat := range productCategories() {
			out = append(out, cat)
		}
		return out
	}
	e.fail(path, "cannot query field %q on type Query", f.Name)
	return nil
}

// mutation resolves a field of Mutation. A review is acknowledged and not
// kept: the demo stores nothing it does not need.
func (e *executor) mutation(f *ast.Field, path []any) any {
	if f.Name != "createReview" {
		e.fail(path, "cannot query field %q on type Mutation", f.Name)
		return nil
	}
	id, ok := e.intArg(f, "productId", 0)
	if _, found := e.api.catalog.product(id); !ok || !found {
		e.fail(path, "productId must name a product")
		return nil
	}
	rating, ok := e.intArg(f, "rating", 0)
	if !ok || rating < 1 || rating > 5 {
		e.fail(path, "rating must be an integer from 1 to 5")
		return nil
	}
	text, _ := e.arg(f, "text").(string)
	if len(text) > maxReviewText {
		e.fail(path, "text is longer than %d bytes", maxReviewText)
		return nil
	}
	return node{"__typename": "Review", "id": "r-" + e.api.auth.newID()[:12], "productId": strconv.Itoa(id), "rating": rating, "text": text}
}

// arg returns an argument's value, variables substituted.
func (e *executor) arg(f *ast.Field, name string) any {
	a := f.Arguments.ForName(name)
	if a == nil {
		return nil
	}
	v, err := a.Value.Value(e.vars)
	if err != nil {
		return nil
	}
	return v
}

// intArg reads an Int or ID argument, def when absent. IDs arrive as
// strings, integers as numbers (JSON variables decode as float64).
func (e *executor) intArg(f *ast.Field, name string, def int) (int, bool) {
	switch v := e.arg(f, name).(type) {
	case nil:
		return def, true
	case int64:
		return int(v), v == int64(int(v))
	case float64:
		return int(v), v == float64(int(v))
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

func productNode(p product) node {
	return node{"__typename": "Product", "id": strconv.Itoa(p.ID), "name": p.Name, "category": p.Category,
		"priceCents": p.PriceCents, "stock": p.Stock, "description": p.Description}
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// extend returns path with k appended, never sharing storage with path, so
// that sibling fields do not overwrite each other's error paths.
func extend(path []any, k any) []any { return append(slices.Clip(path), k) }
