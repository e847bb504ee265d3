package export

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// URL is the absolute URL of a request: its scheme (http when none was
// recorded), its host (from the Host header when the exchange has none:
// access logs record none; else localhost) and its target, byte for byte.
func URL(x *engine.Exchange) string {
	host := cmp.Or(x.Host, x.ReqHeader("Host"), "localhost")
	return cmp.Or(x.Scheme, "http") + "://" + host + x.Target()
}

// escapeUnsafe percent-encodes spaces and control characters, which the
// proxy's decoded paths may hold and a command line's URL cannot, leaving
// every other byte, '%' included, as it is.
func escapeUnsafe(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
