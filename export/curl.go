package export

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// WriteCurl writes a session as one curl command per request, each after
// CurlNotes; the commands are Curl's, the ones the TUI's y copies.
func WriteCurl(w io.Writer, s engine.Session, requests int, each Requests) error {
	if _, err := fmt.Fprintf(w, "# spoor session %s (%s), %d requests\n", s.ID, commentText(s.Actor), requests); err != nil {
		return err
	}
	return each(func(x *engine.Exchange) error {
		_, err := io.WriteString(w, "\n"+CurlNotes(x)+Curl(x)+"\n")
		return err
	})
}

// Curl renders a request as a curl command that replays it, without a
// trailing newline. Headers curl computes itself (Content-Length, Host
// when the URL names it, HTTP/2 pseudo-headers and hop-by-hop ones) are
// left out; Accept-Encoding becomes --compressed, so that the replayed
// answer prints readably; HEAD is --head. Values the store hashed
// (credentials) stay hashes: the clear value was never kept.
func Curl(x *engine.Exchange) string {
	var b strings.Builder
	b.WriteString("curl")
	switch {
	case x.Method == "HEAD":
		b.WriteString(" --head")
	case x.Method != "" && x.Method != "GET" || len(x.ReqBody.Data) > 0:
		b.WriteString(" -X " + ShellQuote(cmp.Or(x.Method, "GET")))
	}
	b.WriteString(" " + ShellQuote(URL(x)))
	compressed := false
	for _, h := range x.ReqHeaders {
		switch strings.ToLower(h.Name) {
		case "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "proxy-authorization":
			continue
		case "host":
			if strings.EqualFold(h.Value, x.Host) {
				continue
			}
		case "accept-encoding":
			if !compressed {
				b.WriteString(" \\\n  --compressed")
				compressed = true
			}
			continue
		}
		if strings.HasPrefix(h.Name, ":") {
			continue
		}
		b.WriteString(" \\\n  -H " + ShellQuote(h.Name+": "+h.Value))
	}
	if len(x.ReqBody.Data) > 0 {
		b.WriteString(" \\\n  --data-binary " + ShellQuote(string(x.ReqBody.Data)))
	}
	return b.String()
}

// CurlNotes are the shell comments that go before a request's curl
// command in an export: when it was sent and what it got back, and
// whether credentials are hashes or the body was captured in part.
func CurlNotes(x *engine.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s  %s → %d (%v)\n", x.Start.Format(time.RFC3339Nano), commentText(x.ClientIP), x.Status, x.Duration.Round(time.Microsecond))
	if HasHashedCredentials(x) {
		b.WriteString("# credentials are stored as keyed hashes: put real ones back to replay\n")
	}
	if x.ReqBody.Truncated {
		fmt.Fprintf(&b, "# the body was captured in part: %d of %d bytes\n", len(x.ReqBody.Data), x.ReqBody.Size)
	}
	return b.String()
}

// commentText makes client-chosen text (an actor from a token's claims, a
// client address from an imported file) safe in a shell comment: a line
// break would end the comment and leave the rest to run as a command, so
// text with a control character is printed Go-quoted, its bytes escaped.
func commentText(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}

// HasHashedCredentials reports whether a credential header holds a keyed
// hash rather than the value the client sent.
func HasHashedCredentials(x *engine.Exchange) bool {
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

// ShellQuote quotes s for a POSIX shell: in single quotes when it is
// printable UTF-8, else in $'...' with escapes, which bash and zsh read.
func ShellQuote(s string) string {
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
