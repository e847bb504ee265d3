package main

import (
	"net/url"
	"regexp"
	"strings"
)

// A mutation rewrites one attack payload the way public wordlists and
// evasion guides spell the same attack differently. It returns "" when it
// does not apply to the payload.
type mutation struct {
	name string
	fn   func(string) string
}

// commonMutations apply to every family: encodings and case.
func commonMutations() []mutation {
	return []mutation{
		{"url-encoded", urlEncodeAll},
		{"double-url-encoded", func(s string) string {
			// The escapes of the first encoding encoded again.
			return strings.ReplaceAll(urlEncodeAll(s), "%", "%25")
		}},
		{"case-flipped", flipCase},
	}
}

// familyMutations returns the mutations of one robustness family.
func familyMutations(fam string) []mutation {
	switch fam {
	case robustSQLi:
		return []mutation{
			{"operand-stripped", stripOperand},
			{"inline-comments", func(s string) string { return replaceSpaces(s, "/**/") }},
			{"tab-separated", func(s string) string { return replaceSpaces(s, "\t") }},
			{"newline-separated", func(s string) string { return replaceSpaces(s, "\n") }},
		}
	case robustXSS:
		return []mutation{
			{"unlisted-handler", renameHandler("onspoorprobe")},
			{"unlisted-handler-2", renameHandler("onxyzzy")},
			{"custom-tag", customTag},
			{"slash-separated", func(s string) string { return slashAttrs(s) }},
		}
	case robustTraversal:
		return []mutation{
			{"backslashes", func(s string) string { return onlyIf(s, "../", strings.ReplaceAll(s, "/", "\\")) }},
			{"dot-dot-doubled", func(s string) string { return onlyIf(s, "../", strings.ReplaceAll(s, "../", "....//")) }},
			{"overlong-utf8", func(s string) string { return onlyIf(s, "../", strings.ReplaceAll(s, "../", "..%c0%af")) }},
			{"slash-double-encoded", func(s string) string { return onlyIf(s, "../", strings.ReplaceAll(s, "../", "..%252f")) }},
			{"null-byte", func(s string) string { return s + "%00" }},
			{"null-byte-ext", func(s string) string { return s + "%00.png" }},
		}
	case robustCmdi:
		return []mutation{
			{"newline-separator", cmdWith("\n", "")},
			{"encoded-newline", cmdWith("%0a", "")},
			{"backticks", cmdWith("`", "`")},
			{"dollar-paren", cmdWith("$(", ")")},
			{"pipe", cmdWith("|", "")},
			{"and-and", cmdWith("&&", "")},
			{"ifs", func(s string) string {
				c := cmdCore(s)
				if !strings.Contains(c, " ") {
					return ""
				}
				return ";" + strings.ReplaceAll(c, " ", "${IFS}")
			}},
		}
	}
	return nil
}

// urlEncodeAll percent-encodes every byte but letters and digits, as
// encoders that evade a filter on punctuation do. A payload that is
// already encoded ("%252e%252e%252f") is left out: encoding its encoding
// again makes four layers, which no application decodes.
func urlEncodeAll(s string) string {
	const hex = "0123456789ABCDEF"
	if hasEscape([]byte(s)) {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// flipCase alternates the case of letters: "select" becomes "SeLeCt".
func flipCase(s string) string {
	b := []byte(s)
	up := true
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z' && up:
			b[i] = c - 32
		case 'A' <= c && c <= 'Z' && !up:
			b[i] = c + 32
		default:
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				continue
			}
		}
		up = !up
	}
	return string(b)
}

// stripOperand removes what a fragment follows in a wordlist that assumes
// the application wrote the operand: "1' OR 1=1--" becomes " OR 1=1--",
// "admin')--" becomes ")--" is too short to count and is dropped.
func stripOperand(s string) string {
	i := 0
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	for i < len(s) && (s[i] == '\'' || s[i] == '"' || s[i] == ')') {
		i++
	}
	if i == 0 {
		return ""
	}
	rest := s[i:]
	if len(strings.TrimSpace(rest)) < 6 || strings.IndexFunc(rest, func(r rune) bool { return 'a' <= r|0x20 && r|0x20 <= 'z' }) < 0 {
		return ""
	}
	return rest
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

func replaceSpaces(s, with string) string {
	return onlyIf(s, " ", strings.ReplaceAll(s, " ", with))
}

// onlyIf returns t when s contains sub, else "".
func onlyIf(s, sub, t string) string {
	if !strings.Contains(s, sub) {
		return ""
	}
	return t
}

var handlerRE = regexp.MustCompile(`(?i)\bon[a-z]+(\s*=)`)

// renameHandler renames every event-handler attribute to name, a name no
// list of handlers holds.
func renameHandler(name string) func(string) string {
	return func(s string) string {
		if !handlerRE.MatchString(s) {
			return ""
		}
		return handlerRE.ReplaceAllString(s, name+"$1")
	}
}

var tagRE = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)([\s/])`)

// customTag replaces the first element with a custom element, which
// browsers parse and whose handlers they run.
func customTag(s string) string {
	if !handlerRE.MatchString(s) {
		return ""
	}
	loc := tagRE.FindStringSubmatchIndex(s)
	if loc == nil {
		return ""
	}
	return s[:loc[2]] + "x-spoor" + s[loc[3]:]
}

// slashAttrs separates attributes with '/' instead of white space, as
// "<svg/onload=...>" does.
func slashAttrs(s string) string {
	loc := tagRE.FindStringSubmatchIndex(s)
	if loc == nil || s[loc[4]] != ' ' {
		return ""
	}
	return s[:loc[4]] + "/" + s[loc[5]:]
}

// cmdCore returns a command payload without its leading separators and
// without the substitution that wraps it: the command line itself.
func cmdCore(s string) string {
	c := strings.TrimLeft(s, ";|&\n\r ")
	switch {
	case strings.HasPrefix(c, "$(") && strings.HasSuffix(c, ")") && !strings.HasPrefix(c, "$(("):
		c = c[2 : len(c)-1]
	case len(c) > 2 && c[0] == '`' && c[len(c)-1] == '`':
		c = c[1 : len(c)-1]
	}
	if len(c) < 2 {
		return ""
	}
	return c
}

// cmdWith returns a mutation that wraps a payload's command line in a
// separator or substitution.
func cmdWith(open, close string) func(string) string {
	return func(s string) string {
		c := cmdCore(s)
		if c == "" {
			return ""
		}
		return open + c + close
	}
}

// queryValues returns the decoded values of a query string or form body.
func queryValues(raw string) []string {
	var vs []string
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		_, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		vs = append(vs, v)
	}
	return vs
}

// hasEscape reports whether b holds a percent escape.
func hasEscape(b []byte) bool {
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHexDigit(b[i+1]) && isHexDigit(b[i+2]) {
			return true
		}
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}
