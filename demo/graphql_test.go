package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/gql"
)

// TestStorefrontVisits runs the GraphQL client's visits against the API and
// the captured traffic through the engine: every operation answered 200,
// read as the named GraphQL operation it is, and flagged by nothing.
func TestStorefrontVisits(t *testing.T) {
	capt := &capturer{api: NewAPI(APIOptions{Seed: 1})}
	srv := httptest.NewServer(capt)
	defer srv.Close()
	a := fastAgent(t, KindGraphQLClient, srv, 5)
	for range 4 {
		if err := a.storefrontVisit(t.Context()); err != nil {
			t.Fatalf("visit: %v", err)
		}
	}
	an := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("k")))
	an.Use(gql.NewInspector(gql.Options{}))
	ops := map[string]int{}
	var s engine.Session
	for _, x := range capt.exchanges() {
		s = an.Process(x)
		if x.Status != http.StatusOK || x.GQL == nil || x.GQL.Error != "" || len(x.GQL.Signals) > 0 {
			t.Fatalf("%s %s%s: status %d, gql %+v", x.Method, x.Path, x.ReqBody.Data, x.Status, x.GQL)
		}
		if strings.Contains(string(x.RespBody.Data), `"errors"`) {
			t.Errorf("%s answered %s", x.GQL.Name, x.RespBody.Data)
		}
		ops[x.GQL.Type+" "+x.GQL.Name]++
	}
	for _, op := range []string{"query Categories", "query Products", "query Search", "query Product", "mutation CreateReview"} {
		if ops[op] == 0 {
			t.Errorf("no %s among %v", op, ops)
		}
	}
	if s.KeyPoint != "req.ip+req.ua" || s.Requests != len(capt.exchanges()) {
		t.Errorf("session keyed by %s with %d requests", s.KeyPoint, s.Requests)
	}
}

// TestGraphQLServer checks the executor and the limits the endpoint keeps.
func TestGraphQLServer(t *testing.T) {
	srv := httptest.NewServer(NewAPI(APIOptions{Seed: 1}))
	defer srv.Close()
	post := func(body string) (int, string) {
		resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get := func(query string) (int, string) {
		resp, err := srv.Client().Get(srv.URL + "/graphql?" + url.Values{"query": {query}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deep := "{ product(id: 1) { a { b { c { d { e { f { g { h } } } } } } } } }"
	tests := []struct {
		name   string
		status int
		body   string
		send   func() (int, string)
	}{
		{"aliases, fragments and order", 200, `{"data":{"p":{"__typename":"Product","name":"`,
			func() (int, string) {
				return post(`{"query":"query Q($id: ID!) { p: product(id: $id) { ...F } } fragment F on Product { __typename name }","variables":{"id":"7"}}`)
			}},
		{"null for a missing product", 200, `{"data":{"product":null}}`, func() (int, string) { return post(`{"query":"{ product(id: 99999) { name } }"}`) }},
		{"unknown field", 200, `cannot query field \"secret\" on type Product`, func() (int, string) { return post(`{"query":"{ product(id: 1) { secret } }"}`) }},
		{"get query", 200, `{"data":{"categories":[`, func() (int, string) { return get("{ categories }") }},
		{"get mutation", 405, `mutations need POST`, func() (int, string) { return get(`mutation { createReview(productId: 1, rating: 5) { id } }`) }},
		{"review", 200, `"rating":5`, func() (int, string) {
			return post(`{"query":"mutation { createReview(productId: 1, rating: 5, text: \"ok\") { id rating } }"}`)
		}},
		{"bad rating", 200, `rating must be an integer from 1 to 5`, func() (int, string) {
			return post(`{"query":"mutation { createReview(productId: 1, rating: 9) { id } }"}`)
		}},
		{"introspection", 400, `introspection is disabled`, func() (int, string) { return post(`{"query":"{ __schema { types { name } } }"}`) }},
		{"too deep", 400, `nests 9 levels deep, more than 8`, func() (int, string) { return post(`{"query":` + mustJSON(t, deep) + `}`) }},
		{"cycle", 200, `"data"`, func() (int, string) {
			return post(`{"query":"{ product(id: 1) { ...A } } fragment A on Product { name ...B } fragment B on Product { id ...A }"}`)
		}},
		{"syntax", 400, `Expected Name`, func() (int, string) { return post(`{"query":"{ product( }"}`) }},
		{"batch", 400, `batches are not supported`, func() (int, string) { return post(`[{"query":"{ categories }"}]`) }},
	}
	for _, tt := range tests {
		status, body := tt.send()
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("%s: %d %s, want %d with %s", tt.name, status, body, tt.status, tt.body)
		}
		if !json.Valid([]byte(body)) {
			t.Errorf("%s: invalid JSON %s", tt.name, body)
		}
	}
	// Fields come back in the order they were asked for.
	_, body := post(`{"query":"{ product(id: 3) { stock name id } }"}`)
	if i, j, k := strings.Index(body, `"stock"`), strings.Index(body, `"name"`), strings.Index(body, `"id"`); !slices.IsSorted([]int{i, j, k}) || i < 0 {
		t.Errorf("field order lost: %s", body)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
