package capture

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

// requestHeaders copies a request's headers in the order and spelling they
// arrived in, so that they outlive the pooled request.
func requestHeaders(h *fasthttp.RequestHeader) []engine.Header {
	var c headerCopier
	for k, v := range h.AllInOrder() {
		c.measure(k, v)
	}
	for k, v := range h.AllInOrder() {
		c.write(k, v)
	}
	for k, v := range h.AllInOrder() {
		c.slice(k, v)
	}
	return c.hs
}

// responseHeaders copies an upstream response's headers so that they
// outlive the pooled response. fasthttp keeps no wire order for responses:
// Content-Length, Content-Type, Content-Encoding, Server and Set-Cookie come
// first, then the rest in the order received, repeated headers in theirs.
func responseHeaders(h *fasthttp.ResponseHeader) []engine.Header {
	var c headerCopier
	for k, v := range h.All() {
		c.measure(k, v)
	}
	for k, v := range h.All() {
		c.write(k, v)
	}
	for k, v := range h.All() {
		c.slice(k, v)
	}
	return c.hs
}

// headerCopier copies headers into one string that all names and values
// share, so a message costs two allocations however many headers it has.
// It is fed the same headers three times: to measure, to copy, and to slice
// the copy. The loops stay in the callers, with the concrete fasthttp
// iterator, so that the compiler can inline them instead of allocating a
// closure per loop.
type headerCopier struct {
	n, size int
	b       strings.Builder
	s       string
	off     int
	hs      []engine.Header
}

func (c *headerCopier) measure(k, v []byte) {
	c.n++
	c.size += len(k) + len(v)
}

func (c *headerCopier) write(k, v []byte) {
	if c.b.Cap() == 0 {
		c.b.Grow(c.size)
	}
	c.b.Write(k)
	c.b.Write(v)
}

func (c *headerCopier) slice(k, v []byte) {
	if c.hs == nil {
		c.s = c.b.String()
		c.hs = make([]engine.Header, 0, c.n)
	}
	end := c.off + len(k) + len(v)
	if end > len(c.s) {
		// The headers changed between passes, which fasthttp's iterators
		// do not do; keeping what was copied beats reading out of bounds.
		return
	}
	c.hs = append(c.hs, engine.Header{Name: c.s[c.off : c.off+len(k)], Value: c.s[c.off+len(k) : end]})
	c.off = end
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
