package detect

import (
	"strings"

	"github.com/corazawaf/libinjection-go"
)

// strongFingerprint reports whether a libinjection fingerprint holds a
// token that English does not produce on its own: a UNION (U), a
// statement keyword (E), another SQL keyword (k), a function call (f), a
// GROUP BY-like clause (B), a statement separator or a parenthesis.
// Fingerprints of words, strings, numbers and logic operators alone ("n&1"
// for "price between 10 and 20", "s&s" for "the word 'and' is common")
// also describe sentences, and count only with sqlEvidence.
func strongFingerprint(fp string) bool {
	return strings.ContainsAny(fp, "UEkfB;(")
}

// sqlEvidence reports whether v holds SQL syntax that prose does not
// use: a comparison, a comment, a statement separator, a parenthesis, or
// a first quote that closes a string the application opened.
func sqlEvidence(v string) bool {
	return strings.ContainsAny(v, "=<>;(#") || strings.Contains(v, "--") || strings.Contains(v, "/*") || closesString(v)
}

// closesString reports whether the first quote of v closes a string: it
// starts v or follows a word, and white space or an operator follows it
// ("A' AND 'B", "a'+'b", "' OR x IS NOT NULL"). An apostrophe inside a
// word ("O'Brien", "it's") and a quote that opens a quoted word ("the
// word 'and'") do not.
func closesString(v string) bool {
	i := strings.IndexAny(v, "'\"")
	if i < 0 || i > 0 && !isWordByte(v[i-1]) || i > 0 && v[i-1] == '.' {
		return false
	}
	if i+1 == len(v) {
		return i > 0
	}
	switch c := v[i+1]; c {
	case ' ', '\t', '\n', '\r', '+', '-', '*', '/', '|', '&', '^', '%', '!', '~', ',', ')', '@':
		return true
	}
	return false
}

// sqlFragment reports whether v is SQL that continues an operand the
// application wrote, as wordlists spell injections without the value they
// follow: " OR 1=1--", "ORDER BY SLEEP(5)", "UNION ALL SELECT ...".
// libinjection reads a value as it stands and in quote contexts, so a
// fragment that starts with an operator needs the operand put back: v is
// checked again after a number. Only a value that starts (after white
// space and closing parentheses) with a word that continues an expression
// or a query is tried, or after ';' a word that starts a statement, and
// the finding counts only with sqlEvidence, so that "or 2 rooms" and
// "order by price" stay prose.
func (s *scan) sqlFragment(v string) (string, bool) {
	i, stacked := 0, false
	for i < len(v) && (isShellSpace(v[i]) || v[i] == '\n' || v[i] == '\r' || v[i] == ')' || v[i] == ';') {
		stacked = stacked || v[i] == ';'
		i++
	}
	if i == len(v) || !s.d.sqlContinuations.first[lower(v[i])] && !s.d.sqlStatements.first[lower(v[i])] {
		return "", false
	}
	j := i
	for j < len(v) && isVarStart(v[j]) {
		j++
	}
	if j == i || j-i > 12 {
		return "", false
	}
	if !inSet(s.d.sqlContinuations, v[i:j]) && !(stacked && inSet(s.d.sqlStatements, v[i:j])) || !sqlEvidence(v) {
		return "", false
	}
	if j < len(v) && isWordByte(v[j]) {
		return "", false
	}
	ok, fp := libinjection.IsSQLi("1 " + v[i:])
	if !ok {
		return "", false
	}
	return fp, true
}

// sqlStatements lists the words that start a statement stacked after
// ';' ("; exec xp_cmdshell", "; drop table users").
func sqlStatements() []string {
	return []string{
		"select", "insert", "update", "delete", "drop", "exec", "execute",
		"declare", "shutdown", "waitfor", "create", "alter", "truncate",
	}
}

// sqlContinuations lists the words that continue a SQL expression or
// query after an operand.
func sqlContinuations() []string {
	return []string{
		"or", "and", "xor", "union", "order", "group", "having", "limit",
		"procedure", "into", "rlike", "regexp", "like", "waitfor", "div",
		"mod", "is", "not", "where", "offset", "select",
	}
}

// closesWithComment reports whether v closes the application's string and
// comments out the rest of its query: a word, a quote, and a comment that
// ends the value ("admin' #", "admin'--", "x\"/*"). libinjection reads
// "admin' #" as a string and a comment, which it allows.
func closesWithComment(v string) bool {
	i := firstQuote(v)
	if i <= 0 || !isWordByte(v[i-1]) || firstQuote(v[i+1:]) >= 0 {
		return false
	}
	rest := strings.TrimLeft(v[i+1:], " \t\r\n")
	var body string
	switch {
	case strings.HasPrefix(rest, "#"):
		body = rest[1:]
	case strings.HasPrefix(rest, "--"), strings.HasPrefix(rest, "/*"):
		body = rest[2:]
	default:
		return false
	}
	return len(strings.TrimSpace(body)) <= 3
}

// firstQuote returns the index of v's first single or double quote, or
// -1. IndexByte scans many bytes at a time, which IndexAny does not.
func firstQuote(v string) int {
	i, j := strings.IndexByte(v, '\''), strings.IndexByte(v, '"')
	if i < 0 || j >= 0 && j < i {
		return j
	}
	return i
}
