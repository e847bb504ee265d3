package gql

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// graphQLPost is a GraphQL request as a client posts it.
func graphQLPost(query string) *engine.Exchange {
	body, _ := json.Marshal(map[string]string{"query": query})
	return &engine.Exchange{
		Start: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), ClientIP: "192.0.2.30", Method: "POST", Host: "api.example.com", Path: "/graphql",
		ReqHeaders: []engine.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "User-Agent", Value: "apollo-client/3.11"}},
		ReqBody:    engine.Body{Data: body, Size: int64(len(body))},
		Status:     200,
	}
}

// TestParserCases runs the parser cases of testdata/parser.yml through
// engine.ParseGQL and through the Analyzer: a valid document yields the
// operations its AST shows (type, name, top-level fields), an invalid one
// yields gqlparser's error, and neither panics.
func TestParserCases(t *testing.T) {
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	a.Use(NewInspector(Options{}))
	checked := 0
	for _, c := range loadParserCases(t) {
		t.Run(c.Section+"/"+c.Name, func(t *testing.T) {
			doc, err := engine.ParseGQL(c.Input)
			x := graphQLPost(c.Input)
			a.Process(x)
			if x.GQL == nil {
				t.Fatal("a document posted to /graphql was not read as GraphQL")
			}
			if c.Error != nil {
				var gerr *gqlerror.Error
				if !errors.As(err, &gerr) || gerr.Message != c.Error.Message {
					t.Errorf("error %v, want %q", err, c.Error.Message)
				}
				if x.GQL.Error == "" || x.GQL.Type != "" {
					t.Errorf("exchange recorded type %q error %q, want the error", x.GQL.Type, x.GQL.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("valid document: %v", err)
			}
			if x.GQL.Error != "" {
				t.Errorf("exchange recorded error %q", x.GQL.Error)
			}
			want := expectedOperations(c)
			if want == nil {
				return // the case states no AST: parsing is the test
			}
			checked++
			if len(doc.Operations) != len(want) {
				t.Fatalf("operations %+v, want %+v", doc.Operations, want)
			}
			for i, op := range doc.Operations {
				w := want[i]
				if op.Type != w.Type || op.Name != w.Name {
					t.Errorf("operation %d = %s %q, want %s %q", i, op.Type, op.Name, w.Type, w.Name)
				}
				if w.Fields != nil && !slices.Equal(op.Fields, distinct(w.Fields)) {
					t.Errorf("operation %d fields %v, want %v", i, op.Fields, distinct(w.Fields))
				}
			}
			if len(want) > 0 && (x.GQL.Type != want[0].Type || x.GQL.Name != want[0].Name) {
				t.Errorf("exchange recorded %s %q, want %s %q", x.GQL.Type, x.GQL.Name, want[0].Type, want[0].Name)
			}
		})
	}
	if checked != 9 { // the 5 cases with an AST dump and the 4 of "operations"
		t.Errorf("only %d cases checked against an expected operation", checked)
	}
}

// expectedOperations returns the operations a case should yield: from its
// AST dump, or for the cases of the "operations" section, which have none,
// from their names ("named mutation" is mutation Foo). It returns nil when
// the case does not say.
func expectedOperations(c parserCase) []wantOperation {
	if c.AST != "" {
		return astOperations(c.AST)
	}
	if c.Section != "operations" {
		return nil
	}
	kind, typ, _ := strings.Cut(c.Name, " ")
	w := wantOperation{Type: typ}
	if kind == "named" {
		w.Name = "Foo"
	}
	return []wantOperation{w}
}

func distinct(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestIntrospectionCases checks introspection against graphql-js's rules:
// NoSchemaIntrospectionCustom reports exactly the queries that read
// __schema or __type (its other reports are non-standard fields), and every
// MaxIntrospectionDepth case is an introspection query. Fragment cycles from
// NoFragmentCycles must parse and measure without looping.
func TestIntrospectionCases(t *testing.T) {
	in := NewInspector(Options{})
	for _, c := range loadValidatorCases(t, "NoSchemaIntrospectionCustomRule") {
		want := false
		for _, e := range c.Errors {
			want = want || strings.Contains(e.Message, `"__schema"`) || strings.Contains(e.Message, `"__type"`)
		}
		doc, err := engine.ParseGQL(c.Query)
		if err != nil || doc.Introspection != want {
			t.Errorf("%s: introspection %v (%v), want %v", c.Name, doc.Introspection, err, want)
		}
	}
	for _, c := range loadValidatorCases(t, "MaxIntrospectionDepthRule") {
		x := graphQLPost(c.Query)
		in.Observe(x, nil)
		if x.GQL != nil {
			t.Fatal("Observe read the exchange itself; the Analyzer does")
		}
		doc, err := engine.ParseGQL(c.Query)
		if err != nil || !doc.Introspection {
			t.Errorf("%s: introspection %v (%v), want true", c.Name, doc.Introspection, err)
		}
	}
	for _, c := range loadValidatorCases(t, "NoFragmentCyclesRule") {
		if _, err := engine.ParseGQL(c.Query); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}
