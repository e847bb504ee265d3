package sequence

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/tui/table"
)

// target is what the request does: the MCP call or GraphQL operation it
// carries, else its path with its query, decoded for reading or raw as
// it was sent, and always sanitized for the terminal.
func target(x *engine.Exchange, raw bool) string {
	if t := Operation(x); t != "" {
		return t
	}
	if raw {
		return table.Sanitize(export.Target(x))
	}
	return table.Sanitize(Readable(x))
}

// Readable is a request's path and query as an investigator wants to read
// them: the path as engine.DecodePath stored it and every name and value
// of the query percent-decoded, with '+' as a space, so that
// "id=1%27+OR+%271%27%3D%271" reads "id=1' OR '1'='1". The result is for
// reading, not for sending: a decoded '&' or '=' is no longer told apart
// from a separator, which is why the raw target is a key away. It may hold
// any byte the client sent, so callers sanitize it before it is drawn.
func Readable(x *engine.Exchange) string {
	if x.Query == "" {
		return x.Path
	}
	return x.Path + "?" + decodeQuery(x.Query)
}

// decodeQuery decodes each name and value of a query string on its own,
// keeping the separators between them as they were sent.
func decodeQuery(q string) string {
	if !strings.ContainsAny(q, "%+") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q))
	for i, pair := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, value, ok := strings.Cut(pair, "=")
		b.WriteString(unescape(name))
		if ok {
			b.WriteByte('=')
			b.WriteString(unescape(value))
		}
	}
	return b.String()
}

// unescape decodes a query component leniently: a '+' is a space, a '%'
// with two hex digits the byte they name, and a malformed escape stays as
// it was sent, so that "100%+off%27" reads "100% off'" rather than falling
// back to the raw text whole, as url.QueryUnescape would.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
