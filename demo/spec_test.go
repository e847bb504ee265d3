package demo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// openAPIDoc is the part of an OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI string                                 `yaml:"openapi"`
	Paths   map[string]map[string]openAPIOperation `yaml:"paths"`
}

type openAPIOperation struct {
	OperationID string `yaml:"operationId"`
	Deprecated  bool   `yaml:"deprecated"`
}

func parseOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := yaml.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.yaml is not valid YAML: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Paths) == 0 {
		t.Fatalf("openapi.yaml: version %q with %d paths, want an OpenAPI 3 document with paths", doc.OpenAPI, len(doc.Paths))
	}
	return doc
}

// TestOpenAPIDeprecated checks the spec's one deprecated operation, the
// zombie of the demo: GET /account.
func TestOpenAPIDeprecated(t *testing.T) {
	doc := parseOpenAPI(t)
	var deprecated []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.Deprecated {
				deprecated = append(deprecated, strings.ToUpper(method)+" "+path)
			}
		}
	}
	if !slices.Equal(deprecated, []string{"GET /account"}) {
		t.Errorf("deprecated operations %v, want [GET /account]", deprecated)
	}
}

// TestOpenAPIRoutes checks the spec against the API: every operation it
// lists is served (not the catch-all's 404, not a 405), and the one real
// route it leaves out, GET /admin/users, is served and absent.
func TestOpenAPIRoutes(t *testing.T) {
	doc := parseOpenAPI(t)
	h := NewAPI(APIOptions{Seed: 1})
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			target := strings.ReplaceAll(path, "{id}", "1")
			if served, status := servedByRoute(h, strings.ToUpper(method), target); !served {
				t.Errorf("%s %s is in openapi.yaml but the API answers %d from no route", strings.ToUpper(method), path, status)
			}
		}
	}
	if _, listed := doc.Paths["/admin/users"]; listed {
		t.Error("/admin/users is listed; the demo's shadow endpoint must stay out of the spec")
	}
	if served, status := servedByRoute(h, http.MethodGet, "/admin/users"); !served {
		t.Errorf("GET /admin/users answers %d from no route; the shadow endpoint must be served", status)
	}
}

// servedByRoute reports whether a route of h answered the request rather
// than the catch-all ("not found") or the mux's method check (405).
func servedByRoute(h http.Handler, method, target string) (bool, int) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, strings.NewReader("{}")))
	if w.Code == http.StatusMethodNotAllowed && method != http.MethodGet {
		return false, w.Code
	}
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return !(w.Code == http.StatusNotFound && body.Error == "not found"), w.Code
}

// TestAccountDeprecated checks the zombie endpoint answers its caller's
// profile and says it is deprecated.
func TestAccountDeprecated(t *testing.T) {
	h := NewAPI(APIOptions{Seed: 1})
	token, _ := login(t, h, "alice")
	w := call(t, h, "GET", "/account", "", bearer(token))
	var p profile
	decodeRecorder(t, w, &p)
	if p.Username != "alice" || p.Email == "" {
		t.Errorf("GET /account as alice: %+v, want alice's own profile with its private fields", p)
	}
	if w.Header().Get("Deprecation") == "" || !strings.Contains(w.Header().Get("Link"), `rel="successor-version"`) {
		t.Errorf("GET /account headers %v, want Deprecation and a successor Link", w.Header())
	}
	if w := call(t, h, "GET", "/account", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /account without a credential: %d, want 401", w.Code)
	}
}
