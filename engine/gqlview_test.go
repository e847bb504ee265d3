package engine

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func gqlPost(path, contentType, body string) *Exchange {
	return withBody(exchangeAt(0, "POST", path, "192.0.2.8"), contentType, body)
}

func TestGQLPoints(t *testing.T) {
	get := "/graphql?" + url.Values{
		"query":         {"query Product($id: ID!) { product(id: $id) { name } }"},
		"operationName": {"Product"},
		"variables":     {`{"id":"42"}`},
	}.Encode()
	post := `{"query":"query A { a } mutation Pay($amount: Int, $card: CardInput) { pay(amount: $amount) { id } }","operationName":"Pay","variables":{"amount":12,"card":{"last4":"4242"}}}`
	tests := []struct {
		name, point string
		x           *Exchange
		want        string
	}{
		{"post operation", "req.gql.operation", gqlPost("/api", "application/json", post), "Pay"},
		{"post type", "req.gql.type", gqlPost("/api", "application/json", post), "mutation"},
		{"post variable", "req.gql.var.amount", gqlPost("/api", "application/json", post), "12"},
		{"post nested variable", "req.gql.var.card.last4", gqlPost("/api", "application/json", post), "4242"},
		{"post missing variable", "req.gql.var.nope", gqlPost("/api", "application/json", post), ""},
		{"anonymous query", "req.gql.type", gqlPost("/api", "application/json", `{"query":"{ me { id } }"}`), "query"},
		{"get operation", "req.gql.operation", exchangeAt(0, "GET", get, "192.0.2.8"), "Product"},
		{"get variable", "req.gql.var.id", exchangeAt(0, "GET", get, "192.0.2.8"), "42"},
		{"application/graphql", "req.gql.type", gqlPost("/graphql", "application/graphql", "subscription OnOrder { order { id } }"), "subscription"},
		{"batch first", "req.gql.operation", gqlPost("/graphql", "application/json", `[{"query":"query One { a }","variables":{"v":1}},{"query":"query Two { b }"}]`), "One"},
		{"batch variable", "req.gql.var.v", gqlPost("/graphql", "application/json", `[{"query":"query One { a }","variables":{"v":1}},{"query":"query Two { b }"}]`), "1"},
		{"search api is not graphql", "req.gql.type", gqlPost("/search", "application/json", `{"query":"red shoes"}`), ""},
		{"search get is not graphql", "req.gql.type", exchangeAt(0, "GET", "/search?query=red+shoes", "192.0.2.8"), ""},
		{"form body", "req.gql.type", gqlPost("/graphql", "application/x-www-form-urlencoded", `query={a}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewView(tt.x)
			p := MustParsePoint(tt.point)
			if got := v.Value(p); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.point, got, tt.want)
			}
			if got := v.Value(p); got != tt.want {
				t.Errorf("second read of %s = %q, want %q", tt.point, got, tt.want)
			}
		})
	}
}

func TestGQLInfo(t *testing.T) {
	t.Run("shape", func(t *testing.T) {
		q := `query Deep { a: user(id: 1) { friends { friends { name } } } b: user(id: 2) { ...F } __schema { types { name } } }
fragment F on User { friends { ... on User { friends { friends { name } } } } }`
		g := NewView(gqlPost("/graphql", "application/json", `{"query":`+strconv.Quote(q)+`}`)).GQL()
		if g == nil {
			t.Fatal("not read as GraphQL")
		}
		if g.Type != GQLQuery || g.Name != "Deep" || !slices.Equal(g.Fields, []string{"user", "__schema"}) {
			t.Errorf("operation %s %s fields %v", g.Type, g.Name, g.Fields)
		}
		if g.Depth != 5 || g.Aliases != 2 || !g.Introspection || g.Batch != 0 || g.Error != "" {
			t.Errorf("depth %d aliases %d introspection %v batch %d error %q, want 5 2 true 0", g.Depth, g.Aliases, g.Introspection, g.Batch, g.Error)
		}
	})
	t.Run("batch", func(t *testing.T) {
		g := NewView(gqlPost("/graphql", "application/json", `[{"query":"{ a }"},{"query":"{ b { c } }"},{"query":"mutation { d }"}]`)).GQL()
		if g == nil || g.Batch != 3 || g.Depth != 2 || g.Type != GQLQuery {
			t.Errorf("info = %+v, want a batch of 3 of depth 2", g)
		}
	})
	t.Run("cut batch", func(t *testing.T) {
		g := NewView(gqlPost("/graphql", "application/json", `[{"query":"{ a }"},{"query":"{ b }"},{"query":"{ c`)).GQL()
		if g == nil || g.Batch != 2 {
			t.Errorf("info = %+v, want the 2 complete operations of a cut batch", g)
		}
	})
	t.Run("bad document on a graphql path", func(t *testing.T) {
		g := NewView(gqlPost("/graphql", "application/json", `{"query":"{ a "}`)).GQL()
		if g == nil || g.Error == "" || g.Type != "" {
			t.Errorf("info = %+v, want an error", g)
		}
	})
	t.Run("fragment cycle", func(t *testing.T) {
		g := NewView(gqlPost("/graphql", "application/json", `{"query":"{ ...A } fragment A on Q { a { ...B } } fragment B on Q { b { ...A } }"}`)).GQL()
		if g == nil || g.Depth != 2 || !slices.Equal(g.Fields, []string{"a"}) {
			t.Errorf("info = %+v", g)
		}
	})
}

// TestParseGQLFragmentBomb checks that fragments spread many times over are
// measured once each: ten levels of fragments spreading the next one twice
// would be a thousand copies expanded.
func TestParseGQLFragmentBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range 10 {
		b.WriteString("fragment F" + strconv.Itoa(i) + " on T { x" + strconv.Itoa(i) + " { ...F" + strconv.Itoa(i+1) + " ...F" + strconv.Itoa(i+1) + " } }\n")
	}
	b.WriteString("fragment F10 on T { leaf }\n")
	doc, err := ParseGQL(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Depth != 11 {
		t.Errorf("depth %d, want 11", doc.Depth)
	}
}
