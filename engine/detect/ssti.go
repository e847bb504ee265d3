package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// templateWords lists names template-injection payloads reach for: the
// objects of Jinja2, Twig and Freemarker, and the reflection path to a
// runtime. A template expression that names one is an attack even without
// operators ("{{config}}").
func templateWords() []string {
	return []string{
		"config", "self", "request", "settings", "lipsum", "cycler", "joiner",
		"namespace", "url_for", "get_flashed_messages", "__class__", "__mro__",
		"__subclasses__", "__globals__", "__builtins__", "__init__", "_self",
		"constructor", "getruntime", "processbuilder", "freemarker", "exec(",
		"popen", "system(", "java.lang", "new(",
	}
}

// templateOperators are the bytes that make a template expression compute
// rather than name a variable: arithmetic, calls and indexing, as in
// "{{7*7}}" or "${T(java.lang.Runtime)}", against "{{name}}". Filters
// ("{{ x|upper }}"), quotes and dashes are ordinary template syntax and do
// not count.
const templateOperators = "*+()[]^`~"

// ssti tags template expressions that compute ({{7*7}}, ${7*7}, #{7*7},
// *{7*7}, <%= 7*7 %>, {% import os %}). Log4j lookups, which look alike,
// are literal markers (markers.go).
func (s *scan) ssti(p *point, v string) {
	if at, n := s.templateAt(v); at >= 0 {
		s.tag(engine.AttackSSTI, p, "spoor-ssti", v, at, n,
			"template expression that computes or reaches template internals")
	}
}

// templateAt returns where v holds a computing template expression, or -1.
func (s *scan) templateAt(v string) (at, n int) {
	for i := 0; i+1 < len(v); i++ {
		var closer string
		switch {
		case v[i] == '{' && v[i+1] == '{':
			closer = "}}"
		case v[i] == '{' && v[i+1] == '%':
			closer = "%}"
		case (v[i] == '$' || v[i] == '#' || v[i] == '*' || v[i] == '@') && v[i+1] == '{':
			closer = "}"
		case v[i] == '<' && v[i+1] == '%':
			closer = "%>"
		default:
			continue
		}
		open := i + 2
		end := strings.Index(v[open:], closer)
		if end < 0 {
			continue
		}
		inner := v[open : open+end]
		if s.computes(v[i], v[i+1], inner) {
			return i, open + end + len(closer) - i
		}
	}
	return -1, 0
}

// computes reports whether inner, the body of a template expression
// opened by a and b, does more than name a variable. ERB and JSP blocks
// ("<%= x %>") always run code; shell-style "${IFS}" and "${HOME}" are left
// to the command-injection check.
func (s *scan) computes(a, b byte, inner string) bool {
	inner = strings.TrimSpace(inner)
	if inner == "" {
		return false
	}
	if a == '<' {
		return true
	}
	if a == '#' && (inner[0] == '"' || inner[0] == '\'') {
		// "#{"color":"#2A1100"}": JSON after a URL fragment's '#', not
		// Ruby interpolation.
		return false
	}
	if strings.ContainsAny(inner, templateOperators) || strings.Contains(inner, "__") {
		return true
	}
	if a == '{' && b == '%' {
		// Jinja and Twig statements: {% import os %}, {% for x in y %}.
		word := inner
		if sp := strings.IndexAny(word, " \t"); sp >= 0 {
			word = word[:sp]
		}
		switch lowerASCII(word) {
		case "import", "include", "for", "if", "set", "print", "debug", "load", "extends", "macro", "call", "from":
			return true
		}
	}
	if w, _ := s.d.templates.find(inner); w >= 0 {
		return true
	}
	return false
}
