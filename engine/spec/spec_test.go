package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/inventory"
)

func source(t testing.TB, name string) Source {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: name, Data: data}
}

// shop is the shop's version 2 (OpenAPI 3.0, YAML) with version 1
// (Swagger 2.0, JSON) as its previous version, and a billing API
// (OpenAPI 3.1, JSON) on its own host.
func shop(t testing.TB) *Set {
	t.Helper()
	v2, v1, billing := source(t, "shop-v2.yaml"), source(t, "shop-v1.json"), source(t, "billing-3.1.json")
	v2.Previous = &v1
	billing.Host = "billing.example.com"
	s, err := Load([]Source{billing, v2})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMatch covers every status, literal segments winning over
// parameters, base paths from servers (3.0) and basePath (2.0), a host
// limit and a parameter inside a segment.
func TestMatch(t *testing.T) {
	s := shop(t)
	tests := []struct {
		method, host, path string
		status, template   string
		reason             string
	}{
		{"GET", "localhost:8080", "/api/users/42", inventory.Documented, "/api/users/{id}", "in shop-v2.yaml"},
		{"GET", "localhost:8080", "/api/users/me", inventory.Documented, "/api/users/me", ""},
		{"GET", "localhost:8080", "/api/users/me/", inventory.Documented, "/api/users/me", ""},
		{"PUT", "localhost:8080", "/api/users/me", inventory.UndocumentedMethod, "/api/users/me", "shop-v2.yaml lists GET"},
		{"head", "localhost:8080", "/api/orders", inventory.Documented, "/api/orders", ""},
		{"PATCH", "localhost:8080", "/api/orders", inventory.UndocumentedMethod, "/api/orders", "shop-v2.yaml lists GET, POST"},
		{"GET", "localhost:8080", "/api/legacy/report", inventory.Zombie, "/api/legacy/report", "deprecated in shop-v2.yaml"},
		{"DELETE", "localhost:8080", "/api/users/7", inventory.Zombie, "/api/users/{id}", "in shop-v1.json, absent from shop-v2.yaml"},
		{"GET", "localhost:8080", "/api/coupons", inventory.Zombie, "/api/coupons", "in shop-v1.json, absent from shop-v2.yaml"},
		{"GET", "localhost:8080", "/api/admin/stats", inventory.Shadow, "", "not in shop-v2.yaml"},
		{"GET", "localhost:8080", "/api/files/a.json", inventory.Documented, "/api/files/{name}.json", ""},
		{"GET", "localhost:8080", "/api/files/.json", inventory.Shadow, "", ""},
		{"GET", "localhost:8080", "/healthz", "", "", ""},
		{"GET", "billing.example.com", "/invoices/in_1", inventory.Documented, "/invoices/{invoiceId}", "in billing-3.1.json"},
		{"GET", "billing.example.com:443", "/invoices/in_1", inventory.Documented, "/invoices/{invoiceId}", ""},
		{"GET", "billing.example.com", "/refunds", inventory.Shadow, "", ""},
	}
	for _, tt := range tests {
		r := s.Match(tt.method, tt.host, tt.path)
		if r.Status != tt.status || r.Template != tt.template || (tt.reason != "" && r.Reason != tt.reason) {
			t.Errorf("%s %s%s: %q %q (%s), want %q %q (%s)", tt.method, tt.host, tt.path, r.Status, r.Template, r.Reason, tt.status, tt.template, tt.reason)
		}
	}
}

// TestDeclaredParams checks the parameters an operation declares: the
// path item's, the operation's and its JSON body's properties.
func TestDeclaredParams(t *testing.T) {
	s := shop(t)
	got := s.Match("GET", "localhost", "/api/users/1").Declared
	want := []inventory.Param{{Name: "id", In: "path"}, {Name: "fields", In: "query"}}
	if !slices.Equal(got, want) {
		t.Errorf("GET /users/{id} declares %v, want %v", got, want)
	}
	post := s.Match("POST", "localhost", "/api/orders").Declared
	slices.SortFunc(post, func(a, b inventory.Param) int { return strings.Compare(a.Name, b.Name) })
	if !slices.Equal(post, []inventory.Param{{Name: "qty", In: "json"}, {Name: "sku", In: "json"}}) {
		t.Errorf("POST /orders declares %v", post)
	}
	d, ok := s.Describe("GET", "localhost", "/api/users/{id}")
	if !ok || d.Status != inventory.Documented || len(d.Declared) != 2 {
		t.Errorf("Describe of a template: %+v %v", d, ok)
	}
}

// TestObserve checks that the analyzer's observer sets the status and
// replaces the engine's template with the specification's.
func TestObserve(t *testing.T) {
	s := shop(t)
	x := &engine.Exchange{Method: "GET", Host: "localhost", Path: "/api/users/me", Endpoint: "/api/users/me"}
	s.Observe(x, nil)
	if x.SpecStatus != inventory.Documented || x.Endpoint != "/api/users/me" {
		t.Errorf("GET /api/users/me: %q %q", x.SpecStatus, x.Endpoint)
	}
	x = &engine.Exchange{Method: "GET", Host: "localhost", Path: "/api/files/a.json", Endpoint: "/api/files/a.json"}
	s.Observe(x, nil)
	if x.Endpoint != "/api/files/{name}.json" {
		t.Errorf("template %q", x.Endpoint)
	}
	x = &engine.Exchange{Method: "GET", Host: "localhost", Path: "/api/admin/9", Endpoint: "/api/admin/{id}"}
	s.Observe(x, nil)
	if x.SpecStatus != inventory.Shadow || x.Endpoint != "/api/admin/{id}" {
		t.Errorf("shadow: %q %q", x.SpecStatus, x.Endpoint)
	}
}

// TestBasePathOverride checks a configured base path replacing the
// servers'.
func TestBasePathOverride(t *testing.T) {
	src := source(t, "shop-v2.yaml")
	src.BasePath = "/shop/v2/"
	s, err := Load([]Source{src})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Match("GET", "h", "/shop/v2/orders"); r.Template != "/shop/v2/orders" {
		t.Errorf("template %q", r.Template)
	}
	if r := s.Match("GET", "h", "/api/orders"); r.Status != "" {
		t.Errorf("the servers' base path still applies: %q", r.Status)
	}
}

// TestLoadErrors checks that bad files are one clear error naming them.
func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"", "neither an OpenAPI document"},
		{"{", "spec bad.yaml: not YAML or JSON"},
		{"title: x", "neither an OpenAPI document"},
		{"openapi: 3.0.0\npaths: {/a: {get: {parameters: [{$ref: 'other.yaml#/p'}], responses: {}}}}", "spec bad.yaml"},
		{`{"swagger": "2.0", "paths": 3}`, "spec bad.yaml: swagger 2.0 document"},
	} {
		_, err := Load([]Source{{Name: "bad.yaml", Data: []byte(tt.data)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want an error with %q", tt.data, err, tt.want)
		}
	}
}

// FuzzLoad feeds arbitrary documents to the loader and the matcher: an
// error or a result, never a panic.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"shop-v2.yaml", "shop-v1.json", "billing-3.1.json"} {
		f.Add(source(f, name).Data, "/api/users/1")
	}
	f.Add([]byte("openapi: 3.1.0\npaths:\n  /a/{b}{c}:\n    get: {}\n"), "/a/xy")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		s, err := Load([]Source{{Name: "f", Data: data, Previous: &Source{Name: "p", Data: data}}})
		if err != nil {
			return
		}
		for _, m := range []string{"GET", "DELETE", "HEAD"} {
			r := s.Match(m, "h", path)
			if r.Status == "" && r.Template != "" {
				t.Fatalf("a template %q without a status", r.Template)
			}
		}
	})
}

// BenchmarkMatch is the specification's cost per analysed exchange, on
// the shop's specification with its previous version.
func BenchmarkMatch(b *testing.B) {
	s := shop(b)
	paths := []string{"/api/users/42", "/api/users/me", "/api/orders", "/api/admin/stats", "/api/coupons", "/healthz"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Match("GET", "localhost:8080", paths[i%len(paths)])
	}
}

// TestFilterKnowsEveryStatus keeps the filter's spec: values and the
// inventory's statuses one list: filter cannot import inventory.
func TestFilterKnowsEveryStatus(t *testing.T) {
	want := []string{inventory.Documented, inventory.Shadow, inventory.Zombie, inventory.UndocumentedMethod}
	if got := filter.SpecStatuses(); !slices.Equal(got, want) {
		t.Errorf("filter.SpecStatuses() = %v, the inventory's statuses are %v", got, want)
	}
}
