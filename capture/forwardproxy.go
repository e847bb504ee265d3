package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

const (
	// tunnelDialTimeout bounds the dial to a CONNECT target that is
	// tunnelled, before the client gets a 502.
	tunnelDialTimeout = 10 * time.Second

	// handshakeTimeout bounds the TLS handshake with a client whose
	// connection is intercepted.
	handshakeTimeout = 10 * time.Second
)

// ForwardOptions make a Proxy a forward proxy: clients name their origin,
// with an absolute-form request (GET http://host/path) or a CONNECT
// host:port, and any number of origins are reached, each through a pooled
// client of its own.
//
// Scope decides what is captured. An in-scope plain-HTTP request is
// recorded like a reverse proxy's; an in-scope CONNECT is intercepted: the
// client's TLS is ended with a certificate the CA mints for the host, and
// the requests inside are forwarded over a new TLS connection to the host
// and recorded with the https scheme. Out-of-scope requests are forwarded
// and out-of-scope CONNECTs tunnelled byte for byte, neither recorded. A
// host whose clients refuse the minted certificate twice is taken for one
// whose client pins its certificate: it is put on the Pinned list and
// tunnelled from then on.
type ForwardOptions struct {
	// CA mints the certificates of intercepted hosts. It is required.
	CA *CA

	// InScope reports whether a host ("api.example.com:443") is captured;
	// nil captures every host.
	InScope func(host string) bool

	// Pinned is the list of hosts that are tunnelled because their client
	// refused an interception; nil keeps one in memory.
	Pinned *PinnedHosts
}

func (f *ForwardOptions) check(o Options) error {
	switch {
	case f.CA == nil:
		return errors.New("new forward proxy: no CA to mint certificates with")
	case o.Upstream != "":
		return errors.New("--upstream is for a reverse proxy: a forward proxy's clients name their origin")
	case o.TLSCert != "" || o.TLSKey != "":
		return errors.New("--tls-cert and --tls-key are for a reverse proxy: a forward proxy mints its certificates")
	}
	return nil
}

// forwarder is a forward proxy's state beside the Proxy it serves for.
type forwarder struct {
	ca      *CA
	inScope func(host string) bool
	pinned  *PinnedHosts
	// refusals count the refused interceptions of hosts not yet pinned.
	refusals refusals
	client   *fasthttp.Client
	// quiet forwards out-of-scope requests: a Proxy like the one served,
	// whose exchanges go nowhere and whose bodies are not kept.
	quiet *Proxy
	// conns are the connections handed over after a CONNECT, for Shutdown.
	conns hijackedConns
}

// startForward makes p a forward proxy: fasthttp serves its handler on the
// listener and on every intercepted TLS connection.
func (p *Proxy) startForward(opts Options) {
	f := &forwarder{ca: opts.Forward.CA, inScope: opts.Forward.InScope, pinned: opts.Forward.Pinned}
	if f.inScope == nil {
		f.inScope = func(string) bool { return true }
	}
	if f.pinned == nil {
		f.pinned, _ = LoadPinnedHosts("")
	}
	upTLS := &tls.Config{}
	if opts.UpstreamTLS != nil {
		upTLS = opts.UpstreamTLS.Clone()
	}
	if upTLS.MinVersion == 0 {
		upTLS.MinVersion = tls.VersionTLS12
	}
	// spoor speaks HTTP/1.1 to the origin whatever the client spoke: an
	// origin that prefers h2 negotiates down.
	upTLS.NextProtos = []string{"http/1.1"}
	f.client = &fasthttp.Client{
		TLSConfig:                     upTLS,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
		StreamResponseBody:            true,
		ReadBufferSize:                responseHeaderBufferSize,
		MaxConnWaitTimeout:            connWaitTimeout,
		ReadTimeout:                   opts.Limits.UpstreamTimeout,
		RetryIfErr:                    retryOrigin,
	}
	f.quiet = &Proxy{trusted: p.trusted, maxBody: p.maxBody, sink: discardSink{}, clock: p.clock, log: p.log}
	p.fwd = f
	p.server.Handler = p.serveForward
}

// retryOrigin retries an idempotent request on a new connection, as
// fasthttp does by default, unless the origin's certificate was refused:
// a second handshake would be refused too.
func retryOrigin(req *fasthttp.Request, _ int, err error) (resetTimeout, retry bool) {
	if untrustedCertificate(err) {
		return false, false
	}
	return false, req.Header.IsGet() || req.Header.IsHead() || req.Header.IsPut()
}

// untrustedCertificate reports whether err is the origin's certificate
// failing verification.
func untrustedCertificate(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var name x509.HostnameError
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &name)
}

// discardSink takes exchanges out of scope and keeps none.
type discardSink struct{}

func (discardSink) Offer(*engine.Exchange) bool { return true }

// serveForward is the forward proxy's handler: a request on an
// intercepted connection goes to that connection's host; otherwise a
// CONNECT opens a tunnel or an interception, and an absolute-form request
// is forwarded to the origin it names.
func (p *Proxy) serveForward(ctx *fasthttp.RequestCtx) {
	if c, ok := ctx.Conn().(*interceptedConn); ok {
		p.forwardExchange(ctx, p, c.target)
		return
	}
	if ctx.IsConnect() {
		p.serveConnect(ctx)
		return
	}
	t, err := parseAbsoluteTarget(string(ctx.Request.Header.RequestURI()))
	if err != nil {
		x, _ := p.fwd.quiet.newExchange(ctx, p.clock())
		p.fwd.quiet.answerError(ctx, x, fasthttp.StatusBadRequest, err.Error())
		return
	}
	core := p
	if !p.fwd.inScope(t.addr()) {
		core = p.fwd.quiet
	}
	core.forwardExchange(ctx, p, t)
}

// forwardExchange forwards one request to t, relays the answer and, when
// p is the served proxy rather than the quiet one, records the exchange.
// via is the served proxy, whose forwarder holds the client.
func (p *Proxy) forwardExchange(ctx *fasthttp.RequestCtx, via *Proxy, t target) {
	x, _ := p.newExchange(ctx, p.clock())
	x.Host = t.authority()
	x.Scheme = t.scheme
	// The rules judge what is captured, as the reverse proxy's do: the
	// quiet proxy has no gate, so out-of-scope requests pass.
	if p.refused(ctx, x) {
		return
	}
	if p.refusedOversized(ctx, x) {
		return
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	reqBody := p.originRequest(ctx, req, x, t)

	resp := fasthttp.AcquireResponse()
	resp.Header.SetNoDefaultContentType(true)
	client := via.fwd.client
	err := client.Do(req, resp)
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
		status, msg := fasthttp.StatusBadGateway, describeOriginError(t, err)
		if errors.Is(err, fasthttp.ErrTimeout) {
			status, msg = fasthttp.StatusGatewayTimeout, fmt.Sprintf("upstream %s did not answer within %v (--upstream-timeout)", t, client.ReadTimeout)
		}
		p.log.Debug("proxy: origin failed", "method", x.Method, "host", x.Host, "path", x.Path, "err", msg)
		p.answerError(ctx, x, status, msg)
		return
	}
	p.relayResponse(ctx, resp, x)
}

// originRequest fills req with the request for the origin: the method,
// the path and query as received, the end-to-end headers in their order
// and the body as a stream. Host follows the target, as RFC 9112 asks of
// a proxy given an absolute URI. Unlike the reverse proxy it adds no
// X-Forwarded-* headers: the client chose this proxy, the origin did not.
func (p *Proxy) originRequest(ctx *fasthttp.RequestCtx, req *fasthttp.Request, x *engine.Exchange, t target) *bodyTap {
	var buf [256]byte
	uri := append(buf[:0], t.scheme...)
	uri = append(uri, "://"...)
	uri = append(uri, t.authority()...)
	if path := ctx.URI().PathOriginal(); len(path) > 0 && path[0] == '/' {
		uri = append(uri, path...)
	} else {
		uri = append(uri, '/')
	}
	if q := ctx.URI().QueryString(); len(q) > 0 {
		uri = append(uri, '?')
		uri = append(uri, q...)
	}
	req.SetRequestURIBytes(uri)
	req.Header.SetMethod(x.Method)
	req.Header.SetNoDefaultContentType(true)
	conn := connectionOptionsOf(x.ReqHeaders)
	for _, h := range x.ReqHeaders {
		if !conn.forwardable(h.Name) || strings.EqualFold(h.Name, "Host") || strings.EqualFold(h.Name, "Content-Length") {
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	stream := ctx.RequestBodyStream()
	if stream == nil {
		return nil
	}
	size := ctx.Request.Header.ContentLength()
	tap := newBodyTap(stream, p.limit, size)
	tap.max = p.maxBody
	req.SetBodyStream(tap, size)
	return tap
}

// describeOriginError is the one line of a 502 for a failed round trip to
// an origin: an untrusted certificate says how to trust it.
func describeOriginError(t target, err error) string {
	if untrustedCertificate(err) {
		cause := err
		var verify *tls.CertificateVerificationError
		if errors.As(err, &verify) {
			cause = verify.Err
		}
		return fmt.Sprintf("upstream %s presented a certificate spoor does not trust: %v (add its CA with --upstream-ca FILE, or skip the check with --insecure-upstream)", t, cause)
	}
	var op *net.OpError
	if errors.Is(err, fasthttp.ErrDialTimeout) || (errors.As(err, &op) && op.Op == "dial") {
		return fmt.Sprintf("upstream %s unreachable: %v", t, err)
	}
	return fmt.Sprintf("upstream %s failed: %v", t, err)
}

// hijackedConns are the client connections a forward proxy took over
// after a CONNECT. fasthttp does not track them, so Shutdown closes them
// and waits for their goroutines.
type hijackedConns struct {
	mu     sync.Mutex
	open   map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// add registers c, or reports false once the proxy is shutting down.
func (h *hijackedConns) add(c net.Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	if h.open == nil {
		h.open = make(map[net.Conn]struct{})
	}
	h.open[c] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *hijackedConns) remove(c net.Conn) {
	h.mu.Lock()
	delete(h.open, c)
	h.mu.Unlock()
	h.wg.Done()
}

// shutdown ends every connection still open and waits until their
// goroutines are done, or ctx ends. It runs after fasthttp's Shutdown has
// let the requests in flight on intercepted connections finish.
func (f *forwarder) shutdown(ctx context.Context) error {
	h := &f.conns
	h.mu.Lock()
	h.closed = true
	for c := range h.open {
		// A hijacked connection's Close does nothing until its handler
		// returns; a deadline in the past ends the reads that hold it.
		c.SetDeadline(time.Unix(1, 0))
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	defer f.client.CloseIdleConnections()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("tunnels still open: %w", ctx.Err())
	}
}
