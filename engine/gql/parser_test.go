package gql

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/conformance"
)

// graphQLPost is a GraphQL request as a client posts it.
func graphQLPost(query string) *engine.Exchange { return conformance.GraphQLPost(query) }

// TestParserCases runs the parser cases of testdata/parser.yml through
// engine.ParseGQL and through the Analyzer: a valid document yields the
// operations its AST shows (type, name, top-level fields), an invalid one
// yields gqlparser's error, and neither panics.
func TestParserCases(t *testing.T) {
	use := func(a *engine.Analyzer) { a.Use(NewInspector(Options{})) }
	problems, checked := conformance.CheckParserCases(loadParserCases(t), use)
	for _, p := range problems {
		t.Error(p)
	}
	if checked != 9 { // the 5 cases with an AST dump and the 4 of "operations"
		t.Errorf("%d cases checked against an expected operation, want 9", checked)
	}
}

// TestIntrospectionCases checks introspection against graphql-js's rules:
// NoSchemaIntrospectionCustom reports exactly the queries that read
// __schema or __type (its other reports are non-standard fields), and every
// MaxIntrospectionDepth case is an introspection query. Fragment cycles from
// NoFragmentCycles must parse and measure without looping.
func TestIntrospectionCases(t *testing.T) {
	for _, rule := range []string{conformance.RuleNoSchemaIntrospection, conformance.RuleMaxIntrospectionDepth, conformance.RuleNoFragmentCycles} {
		for _, p := range conformance.CheckValidatorCases(rule, loadValidatorCases(t, rule)) {
			t.Error(p)
		}
	}
	in := NewInspector(Options{})
	for _, c := range loadValidatorCases(t, conformance.RuleMaxIntrospectionDepth) {
		x := graphQLPost(c.Query)
		in.Observe(x, nil)
		if x.GQL != nil {
			t.Fatal("Observe read the exchange itself; the Analyzer does")
		}
	}
}
