package gql

import (
	"net/url"
	"slices"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// FuzzGQL checks that no document makes the GraphQL reading panic, in
// engine.ParseGQL and through the Analyzer as a POST and a GET, and that
// what it reads holds together.
func FuzzGQL(f *testing.F) {
	for _, c := range loadParserCases(f) {
		f.Add(c.Input, "")
	}
	for _, rule := range []string{"NoFragmentCyclesRule", "MaxIntrospectionDepthRule"} {
		for _, c := range loadValidatorCases(f, rule) {
			f.Add(c.Query, "")
		}
	}
	f.Add("query A { a } query B { b }", "B")
	f.Fuzz(func(t *testing.T, query, operation string) {
		doc, err := engine.ParseGQL(query)
		if err == nil {
			for _, op := range doc.Operations {
				if !slices.Contains([]string{engine.GQLQuery, engine.GQLMutation, engine.GQLSubscription}, op.Type) {
					t.Fatalf("operation type %q", op.Type)
				}
				if len(op.Fields) > 32 {
					t.Fatalf("%d top-level fields recorded", len(op.Fields))
				}
			}
			if doc.Depth < 0 || doc.Aliases < 0 {
				t.Fatalf("depth %d aliases %d", doc.Depth, doc.Aliases)
			}
		}
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
		a.Use(NewInspector(Options{}))
		post := graphQLPost(query)
		a.Process(post)
		get := graphQLPost("")
		get.Method, get.ReqBody = "GET", engine.Body{}
		get.Query = url.Values{"query": {query}, "operationName": {operation}}.Encode()
		a.Process(get)
		for _, x := range []*engine.Exchange{post, get} {
			if query == "" {
				continue
			}
			if x.GQL == nil {
				t.Fatalf("%s to /graphql not read as GraphQL", x.Method)
			}
			if (x.GQL.Error == "") != (err == nil) {
				t.Fatalf("%s: exchange error %q, parse error %v", x.Method, x.GQL.Error, err)
			}
		}
	})
}
