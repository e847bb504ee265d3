package export

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// URL is the absolute URL of a request: its scheme (http when none was
// recorded), its host (from the Host header when the exchange has none:
// access logs record none; else localhost), its path with what a decoded
// path holds that a URL cannot (spaces, control characters, '%', '?', '#')
// percent-encoded again, and its query as sent. engine.DecodePath of the
// URL's path gives the path again, so an exported HAR imports unchanged.
func URL(x *engine.Exchange) string {
	host := cmp.Or(x.Host, x.ReqHeader("Host"), "localhost")
	return cmp.Or(x.Scheme, "http") + "://" + host + Target(x)
}

// Target is a request's path and query as they go on the wire: the path
// with what a decoded path holds that a URL cannot percent-encoded again,
// and the query as sent. The TUI shows it where a request must read raw
// (the detail view's request tab, the sequence's raw mode).
func Target(x *engine.Exchange) string {
	escaped := engine.Exchange{Path: escapePath(x.Path), Query: x.Query}
	return escaped.Target()
}

// escapePath percent-encodes the bytes of a decoded path that would end or
// break a URL's path, leaving every other byte as it is.
func escapePath(s string) string {
	if !strings.ContainsFunc(s, unsafeInPath) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; unsafeInPath(rune(c)) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unsafeInPath(r rune) bool { return r <= ' ' || r == 0x7f || r == '%' || r == '?' || r == '#' }
