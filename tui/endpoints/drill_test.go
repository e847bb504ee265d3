package endpoints

import (
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/inventory"
)

func exchange(method, host, path string) engine.Exchange {
	return engine.Exchange{Method: method, Host: host, Path: path, Endpoint: engine.Endpoint(path)}
}

// TestFilterNarrows checks that an endpoint's drill-down filter parses
// in the filter grammar and holds for the requests to that endpoint
// alone: not another method, host or template, not /users/me beside
// /users/{id}.
func TestFilterNarrows(t *testing.T) {
	e := inventory.Endpoint{Method: "GET", Host: "api.example.test", Template: "/users/{id}"}
	expr := Filter(e)
	if want := "method:GET host:api.example.test endpoint:/users/{id}"; expr != want {
		t.Errorf("Filter = %q, want %q", expr, want)
	}
	f, err := filter.ParseOptions(expr, filter.Options{Now: time.Now()})
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	tests := []struct {
		x    engine.Exchange
		want bool
	}{
		{exchange("GET", "api.example.test", "/users/42"), true},
		{exchange("get", "api.example.test:443", "/users/7"), true},
		{exchange("POST", "api.example.test", "/users/42"), false},
		{exchange("GET", "other.example.test", "/users/42"), false},
		{exchange("GET", "api.example.test", "/users/me"), false},
		{exchange("GET", "api.example.test", "/users/42/orders"), false},
	}
	for _, tt := range tests {
		if got := f.MatchRequest(&tt.x, nil); got != tt.want {
			t.Errorf("%s %s%s: match %v, want %v", tt.x.Method, tt.x.Host, tt.x.Path, got, tt.want)
		}
	}
	// A session matches when its requests do; one that never called the
	// endpoint does not.
	s := &engine.Session{ID: "s-1"}
	if !f.MatchSessionRequests(s, []engine.Exchange{exchange("POST", "api.example.test", "/login"), exchange("GET", "api.example.test", "/users/3")}) {
		t.Error("a session that called GET /users/{id} does not match")
	}
	if f.MatchSessionRequests(s, []engine.Exchange{exchange("GET", "api.example.test", "/users/me")}) {
		t.Error("a session that only called GET /users/me matches")
	}
}

// TestFilterQuotes checks values the grammar would split are quoted.
func TestFilterQuotes(t *testing.T) {
	tests := []struct {
		e    inventory.Endpoint
		want string
	}{
		{inventory.Endpoint{Method: "GET", Template: "/files/annual report.pdf"}, `method:GET endpoint:"/files/annual report.pdf"`},
		{inventory.Endpoint{Method: "GET", Host: "h", Template: `/a|b/"c"\d`}, `method:GET host:h endpoint:"/a|b/\"c\"\\d"`},
	}
	for _, tt := range tests {
		got := Filter(tt.e)
		if got != tt.want {
			t.Errorf("Filter(%q) = %q, want %q", tt.e.Template, got, tt.want)
		}
		f, err := filter.ParseOptions(got, filter.Options{Now: time.Now()})
		if err != nil {
			t.Fatalf("parse %q: %v", got, err)
		}
		x := engine.Exchange{Method: tt.e.Method, Host: tt.e.Host, Endpoint: tt.e.Template}
		if !f.MatchRequest(&x, nil) {
			t.Errorf("%q does not match a request to its own endpoint", got)
		}
	}
}

// FuzzFilter checks that the drill-down filter of any endpoint parses
// and matches a request to that endpoint, whatever bytes its template
// and host hold.
func FuzzFilter(f *testing.F) {
	f.Add("GET", "api.example.test", "/users/{id}")
	f.Add("POST", "", "/a b|c")
	f.Add("DELETE", "h:8080", `/"\`)
	f.Fuzz(func(t *testing.T, method, host, template string) {
		if !letters(method) || !strings.HasPrefix(template, "/") || strings.Contains(host, "/") || strings.ContainsAny(template+host, "*?") {
			// Not a method or a host the grammar accepts, not a path
			// template (the root refuses to drill into any of them, see
			// drillDown), or glob characters, which match more by design.
			t.Skip()
		}
		e := inventory.Endpoint{Method: method, Host: host, Template: template}
		expr := Filter(e)
		flt, err := filter.ParseOptions(expr, filter.Options{Now: time.Now()})
		if err != nil {
			t.Fatalf("Filter(%q %q %q) = %q does not parse: %v", method, host, template, expr, err)
		}
		x := engine.Exchange{Method: method, Host: host, Endpoint: template}
		if !flt.MatchRequest(&x, nil) {
			t.Fatalf("%q does not match a request to its own endpoint", expr)
		}
	})
}

// letters reports whether s is a non-empty run of ASCII letters, the
// methods the filter grammar accepts.
func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
