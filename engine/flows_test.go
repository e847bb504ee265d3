package engine

import (
	"slices"
	"strings"
	"testing"
)

func TestPathPattern(t *testing.T) {
	tests := []struct {
		pattern string
		yes     []string
		no      []string
	}{
		{"/login", []string{"/login", "/login/"}, []string{"/", "/login/x", "/Login", "/api/login"}},
		{"/", []string{"/", ""}, []string{"/a"}},
		{"/api/*/auth/**", []string{"/api/v1/auth", "/api/v1/auth/login", "/api/v1/auth/a/b/c"}, []string{"/api/auth", "/api/v1/v2/auth", "/api/v1/authz"}},
		{"/**", []string{"/", "/a", "/a/b"}, nil},
		{"/**/login", []string{"/login", "/api/login", "/a/b/c/login"}, []string{"/login/x", "/logins"}},
		{"/**/a/**/b", []string{"/a/b", "/x/a/y/z/b", "/a/a/b/b"}, []string{"/b/a", "/a/b/c"}},
		{"/users/*", []string{"/users/1", "/users/1/"}, []string{"/users", "/users/", "/users/1/x"}},
		{"/v?/user*/[0-9]*", []string{"/v1/users/42", "/v2/user/7x"}, []string{"/v10/users/42", "/v1/users/x"}},
		{"/**/**/x", []string{"/x", "/a/b/x"}, []string{"/x/a"}},
	}
	for _, tt := range tests {
		p, err := ParsePathPattern(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePathPattern(%q): %v", tt.pattern, err)
		}
		for _, path := range tt.yes {
			if !p.Match(path) {
				t.Errorf("%q does not match %q", tt.pattern, path)
			}
		}
		for _, path := range tt.no {
			if p.Match(path) {
				t.Errorf("%q matches %q", tt.pattern, path)
			}
		}
	}
	for _, bad := range []string{"login", "", "/a/[", `/a\`} {
		if _, err := ParsePathPattern(bad); err == nil {
			t.Errorf("ParsePathPattern(%q) accepted", bad)
		}
	}
}

// TestPathPatternHostilePath checks that a pattern with several "**" stays
// linear on a long path built to make a backtracking matcher explode.
func TestPathPatternHostilePath(t *testing.T) {
	p, err := ParsePathPattern("/**/a/**/a/**/a/**/b")
	if err != nil {
		t.Fatal(err)
	}
	path := strings.Repeat("/a", 5000)
	if p.Match(path) {
		t.Error("matched a path without b")
	}
}

func TestFlowPatterns(t *testing.T) {
	tests := []struct {
		pattern, method, path string
		want                  bool
	}{
		{"POST /login", "POST", "/login", true},
		{"POST /login", "post", "/login", true},
		{"POST /login", "GET", "/login", false},
		{"* /admin/**", "DELETE", "/admin/users/1", true},
		{"/health", "HEAD", "/health", true},
		{"get /a", "GET", "/a", true},
	}
	for _, tt := range tests {
		fp, err := parseFlowPattern(tt.pattern)
		if err != nil {
			t.Fatalf("parseFlowPattern(%q): %v", tt.pattern, err)
		}
		table := flowTable{{name: "F", patterns: []flowPattern{fp}}}
		got := len(table.match(tt.method, splitPath(tt.path, nil))) == 1
		if got != tt.want {
			t.Errorf("%q on %s %s = %v, want %v", tt.pattern, tt.method, tt.path, got, tt.want)
		}
	}
	for pattern, want := range map[string]string{
		"GET login":      `bad flow pattern "GET login": path must start with "/"`,
		"G3T /x":         `bad flow pattern "G3T /x": method "G3T" is not a method name or *`,
		"POST /a/[":      `bad flow pattern "POST /a/[": path pattern "/a/[": bad segment "[": syntax error in pattern`,
		"":               `bad flow pattern "": path must start with "/"`,
		"POST  /x extra": `bad flow pattern "POST  /x extra": want "METHOD /path"`,
	} {
		_, err := parseFlowPattern(pattern)
		if err == nil || err.Error() != want {
			t.Errorf("parseFlowPattern(%q) = %v, want %q", pattern, err, want)
		}
	}
}

func TestDefaultFlows(t *testing.T) {
	table, err := compileFlows(DefaultFlows())
	if err != nil {
		t.Fatalf("default flows do not compile: %v", err)
	}
	names := make([]string, len(table))
	for i, f := range table {
		names[i] = f.name
	}
	if want := []string{"Auth", "Account creation", "Account management", "Billing", "Admin", "AI/LLM"}; !slices.Equal(names, want) {
		t.Errorf("default flows %v, want %v", names, want)
	}
	for _, tt := range []struct {
		method, path string
		want         []string
	}{
		{"POST", "/login", []string{"Auth"}},
		{"POST", "/api/v1/auth/refresh", []string{"Auth"}},
		{"GET", "/oauth/authorize", []string{"Auth"}},
		{"POST", "/signup", []string{"Account creation"}},
		{"POST", "/api/users", []string{"Account creation"}},
		{"PATCH", "/api/users/42", []string{"Account management"}},
		{"PUT", "/account/password", []string{"Account management"}},
		{"POST", "/api/billing/invoices", []string{"Billing"}},
		{"POST", "/checkout", []string{"Billing"}},
		{"GET", "/admin", []string{"Admin"}},
		{"POST", "/v1/chat/completions", []string{"AI/LLM"}},
		{"POST", "/v1/messages", []string{"AI/LLM"}},
		{"GET", "/api/users/42", nil},
		{"GET", "/login", nil},
	} {
		if got := table.match(tt.method, splitPath(tt.path, nil)); !slices.Equal(got, tt.want) {
			t.Errorf("%s %s: %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
	// Each call returns a fresh table.
	a := DefaultFlows()
	a[0].Match[0] = "changed"
	if DefaultFlows()[0].Match[0] == "changed" {
		t.Error("DefaultFlows shares its table")
	}
}
