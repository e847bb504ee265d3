package engine

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ScopeConfig limits what is stored. Out-of-scope traffic is still proxied;
// it is neither grouped nor written. Hosts are globs of path.Match compared
// case-insensitively ("*.example.com"; a pattern without a port matches any
// port); paths are PathPatterns ("/healthz", "/static/**"). Empty include
// lists include everything.
type ScopeConfig struct {
	IncludeHosts []string
	ExcludeHosts []string
	IncludePaths []string
	ExcludePaths []string
}

// scope is a compiled ScopeConfig.
type scope struct {
	includeHosts, excludeHosts []string
	includePaths, excludePaths []PathPattern
}

func compileScope(c ScopeConfig) (scope, error) {
	var s scope
	var err error
	if s.includeHosts, err = hostPatterns(c.IncludeHosts, "scope.include_hosts"); err != nil {
		return scope{}, err
	}
	if s.excludeHosts, err = hostPatterns(c.ExcludeHosts, "scope.exclude_hosts"); err != nil {
		return scope{}, err
	}
	if s.includePaths, err = pathPatterns(c.IncludePaths, "scope.include_paths"); err != nil {
		return scope{}, err
	}
	if s.excludePaths, err = pathPatterns(c.ExcludePaths, "scope.exclude_paths"); err != nil {
		return scope{}, err
	}
	return s, nil
}

func hostPatterns(list []string, field string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, h := range list {
		if err := checkHostPattern(h); err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out = append(out, strings.ToLower(strings.TrimSpace(h)))
	}
	return out, nil
}

func checkHostPattern(h string) error {
	h = strings.TrimSpace(h)
	if h == "" {
		return errors.New("empty host pattern")
	}
	if _, err := path.Match(h, ""); err != nil {
		return fmt.Errorf("bad host pattern %q: %w", h, err)
	}
	return nil
}

func pathPatterns(list []string, field string) ([]PathPattern, error) {
	out := make([]PathPattern, 0, len(list))
	for _, p := range list {
		pp, err := ParsePathPattern(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		out = append(out, pp)
	}
	return out, nil
}

// empty reports whether the scope lets everything in, so that the common
// case costs nothing.
func (s *scope) empty() bool {
	return len(s.includeHosts)+len(s.excludeHosts)+len(s.includePaths)+len(s.excludePaths) == 0
}

func (s *scope) contains(x *Exchange) bool {
	if s.empty() {
		return true
	}
	host := strings.ToLower(x.Host)
	if len(s.includeHosts) > 0 && !matchHost(s.includeHosts, host) {
		return false
	}
	if matchHost(s.excludeHosts, host) {
		return false
	}
	var stack [16]string
	segs := splitPath(x.Path, stack[:0])
	if len(s.includePaths) > 0 && !matchAnyPath(s.includePaths, segs) {
		return false
	}
	return !matchAnyPath(s.excludePaths, segs)
}

func matchHost(patterns []string, host string) bool {
	bare := host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		bare = host[:i]
	}
	for _, p := range patterns {
		h := bare
		if strings.Contains(p, ":") {
			h = host
		}
		if ok, _ := path.Match(p, h); ok {
			return true
		}
	}
	return false
}

func matchAnyPath(patterns []PathPattern, segs []string) bool {
	for _, p := range patterns {
		if p.matchSegs(segs) {
			return true
		}
	}
	return false
}

// HostInScope reports whether traffic to host ("api.example.com:443", or
// a host without its port) is in scope as far as the host alone decides:
// it matches include_hosts (or that list is empty) and not exclude_hosts.
// A forward proxy asks it before it intercepts a connection, when no path
// is known yet; the paths are judged per exchange as always.
func (c ScopeConfig) HostInScope(host string) bool {
	host = strings.ToLower(host)
	if len(c.IncludeHosts) > 0 && !matchHost(lowerPatterns(c.IncludeHosts), host) {
		return false
	}
	return !matchHost(lowerPatterns(c.ExcludeHosts), host)
}

// lowerPatterns is hostPatterns for patterns a validated configuration
// already checked.
func lowerPatterns(list []string) []string {
	out := make([]string, len(list))
	for i, h := range list {
		out[i] = strings.ToLower(strings.TrimSpace(h))
	}
	return out
}
