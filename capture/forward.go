package capture

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

// serveHTTP is the proxy's fasthttp handler: it forwards one request,
// relays the answer and records the exchange.
// refused answers, records and reports true for a request that must not be
// forwarded: an ambiguous framing (a smuggling shape) or a rule's block.
// Both proxies call it before anything reaches the upstream.
func (p *Proxy) refused(ctx *fasthttp.RequestCtx, x *engine.Exchange) bool {
	if tag, ok := ambiguousFraming(ctx.Request.Header.RawHeaders()); ok {
		// The body's end is unknown, so the connection ends here too.
		ctx.SetConnectionClose()
		x.Attacks = append(x.Attacks, tag)
		p.answerError(ctx, x, fasthttp.StatusBadRequest, tag.Message)
		return true
	}
	return p.gated(ctx, x)
}

func (p *Proxy) serveHTTP(ctx *fasthttp.RequestCtx) {
	x, a := p.newExchange(ctx, p.clock())
	if ctx.IsConnect() {
		// A CONNECT asks for a tunnel, which only a forward proxy gives; the
		// attempt is still worth recording.
		p.answerError(ctx, x, fasthttp.StatusMethodNotAllowed, "CONNECT is not supported: spoor is a reverse proxy")
		return
	}
	if p.refused(ctx, x) {
		return
	}
	if isWebSocketUpgrade(ctx, x) {
		p.serveWebSocket(ctx, x, a)
		return
	}
	if p.refusedOversized(ctx, x) {
		return
	}

	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	reqBody := p.outboundRequest(ctx, req, x, a)

	resp := fasthttp.AcquireResponse()
	// Without this, fasthttp reports a Content-Type the upstream never sent.
	resp.Header.SetNoDefaultContentType(true)
	err := p.client.Do(req, resp)
	if reqBody != nil {
		x.ReqBody = reqBody.body()
	}
	if err != nil {
		fasthttp.ReleaseResponse(resp)
		if reqBody != nil && reqBody.over {
			ctx.SetConnectionClose()
			p.answerError(ctx, x, fasthttp.StatusRequestEntityTooLarge, bodyTooLarge(x.ReqBody.Size, p.maxBody))
			return
		}
		status, msg := fasthttp.StatusBadGateway, p.upstream.describe(err)
		if errors.Is(err, fasthttp.ErrTimeout) {
			status, msg = fasthttp.StatusGatewayTimeout, p.upstream.timedOut(p.client.ReadTimeout)
		}
		p.log.Debug("proxy: upstream failed", "method", x.Method, "path", x.Path, "err", msg)
		p.answerError(ctx, x, status, msg)
		return
	}
	p.relayResponse(ctx, resp, x)
}

// outboundRequest fills req with the request to send upstream: method, path
// and query as received, end-to-end headers in their order, forwarding
// headers for this hop, and the body as a stream. It returns the tap on the
// body, or nil when the request has none.
func (p *Proxy) outboundRequest(ctx *fasthttp.RequestCtx, req *fasthttp.Request, x *engine.Exchange, a arrival) *bodyTap {
	var uri [256]byte
	req.SetRequestURIBytes(p.upstream.appendRequestURI(uri[:0], ctx.URI()))
	req.Header.SetMethod(x.Method)
	// fasthttp would otherwise invent a Content-Type for a body sent without
	// one, and the API would see a request the client never made.
	req.Header.SetNoDefaultContentType(true)

	conn := connectionOptionsOf(x.ReqHeaders)
	sawProto, sawHost := false, false
	for _, h := range x.ReqHeaders {
		switch {
		case !conn.forwardable(h.Name):
			continue
		case strings.EqualFold(h.Name, "Host"), strings.EqualFold(h.Name, "Content-Length"):
			// Host names the upstream (the original goes in
			// X-Forwarded-Host) and the body stream sets the framing.
			continue
		case strings.EqualFold(h.Name, "X-Forwarded-For"):
			// Rewritten below with this hop appended.
			continue
		case strings.EqualFold(h.Name, "X-Forwarded-Proto"):
			if !a.trusted {
				continue
			}
			sawProto = true
		case strings.EqualFold(h.Name, "X-Forwarded-Host"):
			if !a.trusted {
				continue
			}
			sawHost = true
		}
		req.Header.Add(h.Name, h.Value)
	}

	switch {
	case a.peerIP != "" && a.forwardedFor != "":
		req.Header.Add("X-Forwarded-For", a.forwardedFor+", "+a.peerIP)
	case a.peerIP != "":
		req.Header.Add("X-Forwarded-For", a.peerIP)
	case a.forwardedFor != "":
		req.Header.Add("X-Forwarded-For", a.forwardedFor)
	}
	if !sawProto {
		req.Header.Add("X-Forwarded-Proto", a.scheme)
	}
	if !sawHost && x.Host != "" {
		req.Header.Add("X-Forwarded-Host", x.Host)
	}

	stream := ctx.RequestBodyStream()
	if stream == nil {
		return nil
	}
	size := ctx.Request.Header.ContentLength()
	tap := newBodyTap(stream, p.limit, size)
	tap.max = p.maxBody
	// A negative size sends the body chunked, which is how it arrived.
	req.SetBodyStream(tap, size)
	return tap
}

// relayResponse copies the upstream response into ctx and streams its body
// to the client. The exchange is recorded once the body has been sent, or
// at once for a response without a body.
func (p *Proxy) relayResponse(ctx *fasthttp.RequestCtx, resp *fasthttp.Response, x *engine.Exchange) {
	x.Status = resp.StatusCode()
	x.RespHeaders = responseHeaders(&resp.Header)

	out := &ctx.Response
	out.SetStatusCode(x.Status)
	out.Header.SetStatusMessage(resp.Header.StatusMessage())
	conn := connectionOptionsOf(x.RespHeaders)
	for _, h := range x.RespHeaders {
		if !conn.forwardable(h.Name) || strings.EqualFold(h.Name, "Content-Length") {
			continue
		}
		out.Header.Add(h.Name, h.Value)
	}

	size := resp.Header.ContentLength()
	stream := resp.BodyStream()
	if stream == nil {
		// HEAD, 204 and 304 have no body, but a Content-Length still
		// describes the body a GET would have had.
		if size >= 0 {
			out.Header.SetContentLength(size)
		}
		fasthttp.ReleaseResponse(resp)
		p.record(x)
		return
	}
	// A negative size (chunked, or delimited by the upstream closing) is
	// relayed chunked, so the client can tell a complete body from a cut one.
	out.SetBodyStream(&responseBody{bodyTap: newBodyTap(stream, p.limit, size), p: p, x: x, resp: resp}, size)
}

// responseBody streams an upstream response body to the client. fasthttp
// closes it after the last byte is written, or when the response is
// abandoned, which is when the exchange is complete.
type responseBody struct {
	*bodyTap
	p *Proxy
	x *engine.Exchange
	// resp is the upstream response, owned until the body is closed.
	resp *fasthttp.Response
}

// CloseWithError releases the upstream response and records the exchange.
// err says why writing the body stopped early; fasthttp passes nil after a
// complete body.
func (b *responseBody) CloseWithError(err error) error {
	if b.resp == nil {
		return nil
	}
	fasthttp.ReleaseResponse(b.resp)
	b.resp = nil
	b.x.RespBody = b.bodyTap.body()
	if err != nil {
		b.x.Error = fmt.Sprintf("response body cut short after %d bytes: %v", b.x.RespBody.Size, err)
	}
	b.p.record(b.x)
	return nil
}

// answerError answers the client with status and a plain-text message of
// spoor's own, and records that answer with the message as the exchange's
// error.
func (p *Proxy) answerError(ctx *fasthttp.RequestCtx, x *engine.Exchange, status int, msg string) {
	x.Error = msg
	p.answerPlain(ctx, x, status, "spoor: "+msg+"\n")
}

// answerPlain answers the client with status and a plain-text body of
// spoor's own, and records that answer as x's response.
func (p *Proxy) answerPlain(ctx *fasthttp.RequestCtx, x *engine.Exchange, status int, body string) {
	const contentType = "text/plain; charset=utf-8"
	ctx.SetStatusCode(status)
	ctx.SetContentType(contentType)
	ctx.SetBodyString(body)

	x.Status = status
	x.RespHeaders = []engine.Header{
		{Name: "Content-Type", Value: contentType},
		{Name: "Content-Length", Value: strconv.Itoa(len(body))},
	}
	x.RespBody = capturedBody([]byte(body), p.limit)
	p.record(x)
}

// refusedOversized answers 413 and records it when the request declares
// a body over the limit, and reports whether it did. The body is never
// read, so the connection cannot be reused.
func (p *Proxy) refusedOversized(ctx *fasthttp.RequestCtx, x *engine.Exchange) bool {
	size := ctx.Request.Header.ContentLength()
	if p.maxBody <= 0 || int64(size) <= p.maxBody {
		return false
	}
	ctx.SetConnectionClose()
	p.answerError(ctx, x, fasthttp.StatusRequestEntityTooLarge, bodyTooLarge(int64(size), p.maxBody))
	return true
}

// bodyTooLarge is the message of a 413: how large the body was, at least,
// and the limit.
func bodyTooLarge(size, limit int64) string {
	return fmt.Sprintf("request body of %d bytes or more is over the limit of %d bytes (--max-body-bytes)", size, limit)
}
