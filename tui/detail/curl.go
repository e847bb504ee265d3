package detail

import (
	"cmp"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Curl renders a request as a curl command that replays it. Values the
// store hashed (credentials) stay hashes: the clear value was never kept.
func Curl(x *engine.Exchange) string {
	var b strings.Builder
	b.WriteString("curl")
	if x.Method != "" && x.Method != "GET" {
		b.WriteString(" -X " + quote(x.Method))
	}
	u := cmp.Or(x.Scheme, "http") + "://" + x.Host + x.Path
	if x.Query != "" {
		u += "?" + x.Query
	}
	b.WriteString(" " + quote(u))
	for _, h := range x.ReqHeaders {
		if strings.EqualFold(h.Name, "Host") || strings.EqualFold(h.Name, "Content-Length") {
			continue
		}
		b.WriteString(" \\\n  -H " + quote(h.Name+": "+h.Value))
	}
	if len(x.ReqBody.Data) > 0 {
		b.WriteString(" \\\n  --data-binary " + quote(string(x.ReqBody.Data)))
	}
	return b.String()
}

// quote wraps s in single quotes for a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
