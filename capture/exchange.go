package capture

import (
	"net/netip"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

// arrival is how a request reached the proxy. The exchange's client and the
// forwarding headers of the outbound request both follow from it.
type arrival struct {
	// peer is the TCP peer, the zero Addr on a non-IP connection.
	peer netip.Addr
	// peerIP is peer as text, or "" for the zero Addr.
	peerIP string
	// trusted is whether the peer's forwarding headers are believed.
	trusted bool
	// forwardedFor is the X-Forwarded-For list received, repeated headers
	// joined.
	forwardedFor string
	// scheme is the scheme of the connection the request came in on.
	scheme string
}

// newExchange copies the request side of an exchange out of ctx, which
// fasthttp reuses once the handler returns.
func (p *Proxy) newExchange(ctx *fasthttp.RequestCtx, start time.Time) (*engine.Exchange, arrival) {
	h := &ctx.Request.Header
	uri := ctx.URI()
	x := &engine.Exchange{
		Start:      start,
		Method:     method(h.Method()),
		Host:       string(h.Host()),
		Path:       engine.DecodePath(string(uri.PathOriginal())),
		Query:      string(uri.QueryString()),
		ReqHeaders: requestHeaders(h),
	}
	a := arrival{peer: peerAddr(ctx.RemoteAddr()), scheme: "http"}
	if a.peer.IsValid() {
		a.peerIP = a.peer.String()
	}
	if ctx.IsTLS() {
		a.scheme = "https"
	}
	a.trusted = isTrusted(a.peer, p.trusted)
	a.forwardedFor = joinValues(x.ReqHeaders, "X-Forwarded-For")
	x.Scheme = a.scheme
	if proto, ok := firstValue(x.ReqHeaders, "X-Forwarded-Proto"); ok && a.trusted {
		// A chain of proxies may list one scheme per hop; the first is the
		// one the client used.
		first, _, _ := strings.Cut(proto, ",")
		if first = strings.ToLower(strings.TrimSpace(first)); first != "" {
			x.Scheme = first
		}
	}
	switch ip := clientIP(a.peer, a.forwardedFor, p.trusted); {
	case ip == a.peer:
		x.ClientIP = a.peerIP
	case ip.IsValid():
		x.ClientIP = ip.String()
	}
	return x, a
}

// method returns the request method as a string, sharing the constant for
// the standard methods so that the common case does not allocate.
func method(b []byte) string {
	switch string(b) {
	case fasthttp.MethodGet:
		return fasthttp.MethodGet
	case fasthttp.MethodPost:
		return fasthttp.MethodPost
	case fasthttp.MethodPut:
		return fasthttp.MethodPut
	case fasthttp.MethodPatch:
		return fasthttp.MethodPatch
	case fasthttp.MethodDelete:
		return fasthttp.MethodDelete
	case fasthttp.MethodHead:
		return fasthttp.MethodHead
	case fasthttp.MethodOptions:
		return fasthttp.MethodOptions
	}
	return string(b)
}

// record stamps x's duration and offers it to the sink without waiting.
func (p *Proxy) record(x *engine.Exchange) {
	x.Duration = p.clock().Sub(x.Start)
	if p.sink.Offer(x) {
		p.captured.Add(1)
	} else {
		p.dropped.Add(1)
	}
}
