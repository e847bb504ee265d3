package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// writeCurl writes one curl command per request, each after a comment
// saying when it was sent and what it got back.
func writeCurl(w io.Writer, e *sessionExport) error {
	fmt.Fprintf(w, "# spoor session %s (%s), %d requests\n", e.session.ID, e.session.Actor, len(e.requests))
	return e.withBodies(func(x *engine.Exchange) error {
		_, err := io.WriteString(w, "\n"+curlCommand(x))
		return err
	})
}

// curlCommand renders one request. Headers curl computes itself
// (Content-Length, Host when the URL names it, HTTP/2 pseudo-headers and
// hop-by-hop ones) are left out; Accept-Encoding becomes --compressed, so
// that the replayed answer prints readably.
func curlCommand(x *engine.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s  %s → %d (%v)\n", x.Start.Format(time.RFC3339Nano), x.ClientIP, x.Status, x.Duration.Round(time.Microsecond))
	if hasHashedCredentials(x) {
		b.WriteString("# credentials are stored as keyed hashes: put real ones back to replay\n")
	}
	if x.ReqBody.Truncated {
		fmt.Fprintf(&b, "# the body was captured in part: %d of %d bytes\n", len(x.ReqBody.Data), x.ReqBody.Size)
	}
	b.WriteString("curl")
	switch {
	case x.Method == "HEAD":
		b.WriteString(" --head")
	case x.Method != "GET" || len(x.ReqBody.Data) > 0:
		b.WriteString(" -X " + shellQuote(x.Method))
	}
	b.WriteString(" " + shellQuote(exchangeURL(x)))
	for _, h := range x.ReqHeaders {
		switch strings.ToLower(h.Name) {
		case "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection":
			continue
		case "host":
			if strings.EqualFold(h.Value, x.Host) {
				continue
			}
		case "accept-encoding":
			b.WriteString(" \\\n  --compressed")
			continue
		}
		if strings.HasPrefix(h.Name, ":") {
			continue
		}
		b.WriteString(" \\\n  -H " + shellQuote(h.Name+": "+h.Value))
	}
	if len(x.ReqBody.Data) > 0 {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(x.ReqBody.Data)))
	}
	b.WriteByte('\n')
	return b.String()
}

// hasHashedCredentials reports whether a credential header holds a keyed
// hash rather than the value the client sent.
func hasHashedCredentials(x *engine.Exchange) bool {
	for _, h := range x.ReqHeaders {
		if !strings.EqualFold(h.Name, "Authorization") && !strings.EqualFold(h.Name, "Cookie") {
			continue
		}
		for _, part := range strings.FieldsFunc(h.Value, func(r rune) bool { return r == ' ' || r == ';' || r == '=' || r == ',' }) {
			if engine.IsHashed(part) {
				return true
			}
		}
	}
	return false
}

// shellQuote quotes s for a POSIX shell: in single quotes when it is
// printable UTF-8, else in $'...' with escapes, which bash and zsh read.
func shellQuote(s string) string {
	printable := utf8.ValidString(s)
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			printable = false
			break
		}
	}
	if printable {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
