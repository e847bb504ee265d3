package engine

import "testing"

// TestHostInScope checks the host half of a scope, which a forward proxy
// asks before it intercepts: include globs, with or without a port, and
// exclusions that win over them.
func TestHostInScope(t *testing.T) {
	for _, tc := range []struct {
		scope ScopeConfig
		host  string
		want  bool
	}{
		{ScopeConfig{}, "anything.example:443", true},
		{ScopeConfig{IncludeHosts: []string{"api.example.com"}}, "api.example.com:443", true},
		{ScopeConfig{IncludeHosts: []string{"API.example.com"}}, "Api.Example.com", true},
		{ScopeConfig{IncludeHosts: []string{"api.example.com"}}, "www.example.com:443", false},
		{ScopeConfig{IncludeHosts: []string{"*.example.com"}}, "api.example.com:8443", true},
		{ScopeConfig{IncludeHosts: []string{"localhost:8443"}}, "localhost:8443", true},
		{ScopeConfig{IncludeHosts: []string{"localhost:8443"}}, "localhost:443", false},
		{ScopeConfig{IncludeHosts: []string{"*.example.com"}, ExcludeHosts: []string{"cdn.example.com"}}, "cdn.example.com:443", false},
		{ScopeConfig{ExcludeHosts: []string{"telemetry.*"}}, "telemetry.vendor.io:443", false},
		{ScopeConfig{ExcludeHosts: []string{"telemetry.*"}}, "api.vendor.io:443", true},
	} {
		if got := tc.scope.HostInScope(tc.host); got != tc.want {
			t.Errorf("%+v.HostInScope(%q) = %v, want %v", tc.scope, tc.host, got, tc.want)
		}
	}
}
