package capture

import (
	"iter"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// copyHeaders copies a fasthttp header sequence into engine headers that
// outlive the pooled request or response it came from. All names and values
// share one string, so a request costs two allocations however many headers
// it carries. The sequence is walked three times (measure, copy, slice); it
// must yield the same headers each time, which fasthttp's iterators do.
func copyHeaders(all iter.Seq2[[]byte, []byte]) []engine.Header {
	n, size := 0, 0
	for k, v := range all {
		n++
		size += len(k) + len(v)
	}
	if n == 0 {
		return nil
	}
	var b strings.Builder
	b.Grow(size)
	for k, v := range all {
		b.Write(k)
		b.Write(v)
	}
	s := b.String()
	hs := make([]engine.Header, 0, n)
	off := 0
	for k, v := range all {
		end := off + len(k) + len(v)
		if end > len(s) {
			break
		}
		hs = append(hs, engine.Header{Name: s[off : off+len(k)], Value: s[off+len(k) : end]})
		off = end
	}
	return hs
}

// isHopByHop reports whether a header describes one connection rather than
// the message (RFC 9110 section 7.6.1), so it must not cross the proxy: each
// side of spoor has its own connection, framing and upgrade negotiation.
// Proxy-Authenticate and Proxy-Authorization belong to the proxy a client
// talks to, which spoor is not.
func isHopByHop(name string) bool {
	switch len(name) {
	case 2:
		return strings.EqualFold(name, "TE")
	case 7:
		return strings.EqualFold(name, "Upgrade") || strings.EqualFold(name, "Trailer")
	case 10:
		return strings.EqualFold(name, "Connection") || strings.EqualFold(name, "Keep-Alive")
	case 16:
		return strings.EqualFold(name, "Proxy-Connection")
	case 17:
		return strings.EqualFold(name, "Transfer-Encoding")
	case 18:
		return strings.EqualFold(name, "Proxy-Authenticate")
	case 19:
		return strings.EqualFold(name, "Proxy-Authorization")
	}
	return false
}

// connectionOptions holds the values of a message's Connection headers,
// which may name further headers that are hop-by-hop for this message only.
type connectionOptions []string

// connectionOptionsOf collects the Connection values of hs. It allocates
// only when a message has a Connection header.
func connectionOptionsOf(hs []engine.Header) connectionOptions {
	var c connectionOptions
	for _, h := range hs {
		if strings.EqualFold(h.Name, "Connection") {
			c = append(c, h.Value)
		}
	}
	return c
}

// lists reports whether the Connection headers name the header name.
func (c connectionOptions) lists(name string) bool {
	for _, v := range c {
		for opt := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(opt), name) {
				return true
			}
		}
	}
	return false
}

// forwardable reports whether a header may cross the proxy: it is neither
// hop-by-hop nor named by the message's Connection headers.
func (c connectionOptions) forwardable(name string) bool {
	return !isHopByHop(name) && !c.lists(name)
}

// joinValues joins the values of every header called name with ", ", the
// form a list-valued header may take when repeated (RFC 9110 section 5.3).
func joinValues(hs []engine.Header, name string) string {
	joined := ""
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		if joined == "" {
			joined = h.Value
		} else {
			joined += ", " + h.Value
		}
	}
	return joined
}

// firstValue is the value of the first header called name, and whether there
// is one.
func firstValue(hs []engine.Header, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}
