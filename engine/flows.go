package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Flow labels the requests of one business flow (Auth, Billing, ...) by
// method and path patterns such as "POST /login", "POST /api/*/auth/**" or
// "* /admin/**". A pattern without a method matches every method.
type Flow struct {
	Name  string
	Match []string
}

// DefaultFlows is the flow table spoor ships, used when the configuration
// lists none. It is a function so that every caller gets its own copy.
// Patterns start with "/**/" so that a versioned or prefixed API
// (/api/v2/login) is labelled like a bare one (/login).
func DefaultFlows() []Flow {
	return []Flow{
		{Name: "Auth", Match: []string{
			"POST /**/login", "POST /**/logout", "POST /**/signin", "POST /**/sign-in",
			"POST /**/auth/**", "* /**/oauth/**", "POST /**/token", "POST /**/sessions",
			"POST /**/mfa/**", "POST /**/otp/**",
		}},
		{Name: "Account creation", Match: []string{
			"POST /**/register", "POST /**/signup", "POST /**/sign-up", "POST /**/users", "POST /**/accounts",
		}},
		{Name: "Account management", Match: []string{
			"* /**/password/**", "* /**/profile/**", "* /**/account/**", "* /**/me/**", "* /**/settings/**",
			"PUT /**/users/*", "PATCH /**/users/*", "DELETE /**/users/*",
		}},
		{Name: "Billing", Match: []string{
			"* /**/billing/**", "* /**/payment*/**", "* /**/checkout/**", "* /**/invoice*/**",
			"* /**/subscription*/**", "* /**/refund*/**",
		}},
		{Name: "Admin", Match: []string{
			"* /**/admin*/**", "* /**/internal/**", "* /**/actuator/**",
		}},
		{Name: "AI/LLM", Match: []string{
			"* /**/chat/completions", "* /**/completions", "* /**/embeddings", "POST /**/v1/messages",
			"POST /**/v1/responses", "* /**/llm/**", "* /**/ai/**", "* /**/mcp/**",
		}},
	}
}

// flowPattern is one parsed "METHOD /path" pattern.
type flowPattern struct {
	method string // upper case; "" for any
	path   PathPattern
}

// parseFlowPattern parses "METHOD /path", "* /path" or "/path".
func parseFlowPattern(s string) (flowPattern, error) {
	s = strings.TrimSpace(s)
	method, p, ok := strings.Cut(s, " ")
	if !ok {
		method, p = "*", s
	}
	p = strings.TrimSpace(p)
	if method != "*" && !isToken(method) {
		return flowPattern{}, fmt.Errorf("bad flow pattern %q: method %q is not a method name or *", s, method)
	}
	if !strings.HasPrefix(p, "/") {
		return flowPattern{}, fmt.Errorf("bad flow pattern %q: path must start with \"/\"", s)
	}
	if strings.ContainsAny(p, " \t") {
		return flowPattern{}, fmt.Errorf("bad flow pattern %q: want \"METHOD /path\"", s)
	}
	pp, err := ParsePathPattern(p)
	if err != nil {
		return flowPattern{}, fmt.Errorf("bad flow pattern %q: %w", s, err)
	}
	fp := flowPattern{path: pp}
	if method != "*" {
		fp.method = strings.ToUpper(method)
	}
	return fp, nil
}

// isToken reports whether s is an HTTP method name: letters only, as every
// registered method is.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// flowTable is a compiled flow list.
type flowTable []compiledFlow

type compiledFlow struct {
	name     string
	patterns []flowPattern
}

// compileFlows checks and compiles a flow list.
func compileFlows(flows []Flow) (flowTable, error) {
	t := make(flowTable, 0, len(flows))
	for i, f := range flows {
		cf, err := compileFlow(f)
		if err != nil {
			return nil, fmt.Errorf("flows[%d]: %w", i, err)
		}
		t = append(t, cf)
	}
	return t, nil
}

func compileFlow(f Flow) (compiledFlow, error) {
	name := strings.TrimSpace(f.Name)
	if name == "" {
		return compiledFlow{}, errors.New("flow without a name")
	}
	if len(f.Match) == 0 {
		return compiledFlow{}, fmt.Errorf("flow %q matches nothing: list at least one pattern", name)
	}
	cf := compiledFlow{name: name}
	for _, m := range f.Match {
		p, err := parseFlowPattern(m)
		if err != nil {
			return compiledFlow{}, fmt.Errorf("flow %q: %w", name, err)
		}
		cf.patterns = append(cf.patterns, p)
	}
	return cf, nil
}

// match returns the names of the flows whose patterns match the request,
// given its path already split, each once and in table order. It allocates
// only when a flow matches.
func (t flowTable) match(method string, segs []string) []string {
	var names []string
	for _, f := range t {
		for _, p := range f.patterns {
			if (p.method == "" || strings.EqualFold(p.method, method)) && p.path.matchSegs(segs) {
				if !slices.Contains(names, f.name) {
					names = append(names, f.name)
				}
				break
			}
		}
	}
	return names
}
