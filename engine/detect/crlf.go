package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// injectableHeaders lists response headers a CRLF injection aims to add:
// cookies for session fixation, a Location for a redirect, a content type
// or length to split the response.
func injectableHeaders() []string {
	return []string{
		"set-cookie", "location", "content-type", "content-length",
		"content-disposition", "refresh", "transfer-encoding", "link",
		"access-control-allow-origin", "access-control-allow-credentials",
		"cache-control", "x-xss-protection", "content-security-policy",
		"host", "cookie", "x-forwarded-for", "x-forwarded-host",
	}
}

// crlfAt returns where a line break in v starts an injected header line
// ("\r\nSet-Cookie: a=b") or a second response ("\r\nHTTP/1.1 200"), or
// -1. In a query, path, cookie or header any "Name:" line counts; in a
// body, where a multi-line text field may well hold "Re: lunch", only
// header names an attacker aims for do.
func (s *scan) crlfAt(v string, anyName bool) int {
	for i := strings.IndexAny(v, "\r\n"); i >= 0 && i < len(v); {
		j := i
		for j < len(v) && (v[j] == '\r' || v[j] == '\n') {
			j++
		}
		for j < len(v) && (v[j] == ' ' || v[j] == '\t') {
			j++
		}
		name := j
		for j < len(v) && isTokenByte(v[j]) {
			j++
		}
		if j > name && j < len(v) && v[j] == ':' && (anyName || inSet(s.d.injectable, v[name:j])) {
			return i
		}
		if hasPrefixFold(v[name:], "http/1.") || hasPrefixFold(v[name:], "<html") {
			return i
		}
		k := strings.IndexAny(v[j:], "\r\n")
		if k < 0 {
			break
		}
		i = j + k
	}
	return -1
}

// isTokenByte reports whether c may appear in a header name.
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// crlf tags CR/LF injection.
func (s *scan) crlf(p *point, v string, m class) {
	if m&classNewline == 0 {
		return
	}
	anyName := p.kind != pointForm && p.kind != pointJSON && p.kind != pointBody
	if at := s.crlfAt(v, anyName); at >= 0 {
		s.tag(engine.AttackCRLF, p, "spoor-crlf", v, at, 2,
			"line break followed by a header line or a response")
	}
}
