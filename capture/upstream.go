package capture

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// upstream is the API behind the proxy, parsed once so that the hot path only
// appends strings.
type upstream struct {
	// raw is the URL as the user gave it, for messages.
	raw string
	// addr is the host:port to dial, with the scheme's default port filled in.
	addr string
	// tls is whether the scheme is https.
	tls bool
	// base is scheme://host plus the URL's path without its trailing slash:
	// the prefix of every request URI sent upstream.
	base string
}

// parseUpstream accepts an absolute http or https URL with a host and
// nothing after the path, so that a typo fails at start-up with a message
// instead of as a 502 on every request.
func parseUpstream(raw string) (upstream, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return upstream{}, invalidUpstream(raw)
	}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return upstream{}, invalidUpstream(raw)
	}
	return upstream{
		raw:  raw,
		addr: net.JoinHostPort(u.Hostname(), port),
		tls:  u.Scheme == "https",
		base: u.Scheme + "://" + u.Host + strings.TrimSuffix(u.EscapedPath(), "/"),
	}, nil
}

// CheckUpstream returns the error the proxy would return for raw as its
// upstream, or nil, so that the command line can call a malformed URL a
// usage mistake before it opens anything.
func CheckUpstream(raw string) error {
	_, err := parseUpstream(raw)
	return err
}

// invalidUpstream is the one error a user sees for any unusable upstream,
// with an example of what works.
func invalidUpstream(raw string) error {
	return fmt.Errorf("invalid --upstream %q: want a URL such as http://127.0.0.1:3000", raw)
}

// appendRequestURI appends the absolute URI asked of the upstream: its base,
// then the path and query exactly as the client sent them. The path is not
// normalised, so the API sees what the client sent and the capture holds
// what the API saw.
func (u upstream) appendRequestURI(dst []byte, uri *fasthttp.URI) []byte {
	dst = append(dst, u.base...)
	dst = append(dst, uri.PathOriginal()...)
	if q := uri.QueryString(); len(q) > 0 {
		dst = append(dst, '?')
		dst = append(dst, q...)
	}
	return dst
}

// describe turns a failed round trip into the one line a user reads in the
// 502 body and in the exchange: what failed, and whether the API is down or
// misbehaved.
func (u upstream) describe(err error) string {
	var op *net.OpError
	if errors.Is(err, fasthttp.ErrDialTimeout) || (errors.As(err, &op) && op.Op == "dial") {
		return fmt.Sprintf("upstream %s unreachable: %v", u.raw, err)
	}
	return fmt.Sprintf("upstream %s failed: %v", u.raw, err)
}

// timedOut is the message of a 504: the upstream took longer than the
// timeout to answer.
func (u upstream) timedOut(timeout time.Duration) string {
	return fmt.Sprintf("upstream %s did not answer within %v (--upstream-timeout)", u.raw, timeout)
}
