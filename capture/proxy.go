package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

const (
	// responseHeaderBufferSize bounds the header block of an upstream
	// response, as DefaultMaxHeaderBytes does a request's.
	responseHeaderBufferSize = DefaultMaxHeaderBytes

	// idleTimeout closes a keep-alive client connection that sends nothing,
	// so that an abandoned connection does not live forever.
	idleTimeout = 2 * time.Minute

	// connWaitTimeout is how long a request waits for a free upstream
	// connection when all are busy before it is answered with a 502.
	connWaitTimeout = 10 * time.Second
)

// Proxy is a capturing reverse proxy in front of one upstream API. Its
// methods are safe for concurrent use.
type Proxy struct {
	upstream upstream
	listen   string
	trusted  []netip.Prefix
	limit    int
	maxBody  int64
	sink     Sink
	gate     Gate
	clock    func() time.Time
	log      *slog.Logger

	server *fasthttp.Server
	client *fasthttp.HostClient

	ws wsRelays

	// fwd is the forward proxy's state, nil for a reverse proxy.
	fwd *forwarder

	captured atomic.Uint64
	dropped  atomic.Uint64

	// tls is whether the server has a certificate and serves HTTPS.
	tls bool

	mu   sync.Mutex // guards ln and shut
	ln   net.Listener
	shut bool
}

// New validates opts and returns a proxy ready to Serve.
func New(opts Options) (*Proxy, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var up upstream
	if opts.Forward == nil {
		if up, err = parseUpstream(opts.Upstream); err != nil {
			return nil, err
		}
	}
	p := &Proxy{
		upstream: up,
		listen:   opts.Listen,
		trusted:  normalizePrefixes(opts.TrustForwarded),
		limit:    opts.CaptureLimit,
		maxBody:  opts.Limits.MaxBodyBytes,
		sink:     opts.Sink,
		gate:     opts.Gate,
		clock:    opts.Clock,
		log:      opts.Logger,
	}
	p.server = &fasthttp.Server{
		Handler: p.serveHTTP,
		// The client must see the upstream's headers, not fasthttp's.
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		// Header names keep the case they were sent in, on the wire and in
		// the capture.
		DisableHeaderNamesNormalizing: true,
		// A multipart body is forwarded as the bytes it is, not parsed.
		DisablePreParseMultipartForm: true,
		// Bodies up to the capture limit are read before the handler runs;
		// larger ones are streamed through, so memory stays bounded.
		StreamRequestBody:  true,
		MaxRequestBodySize: max(opts.CaptureLimit, 4<<10),
		ReadBufferSize:     opts.Limits.MaxHeaderBytes,
		IdleTimeout:        idleTimeout,
		CloseOnShutdown:    true,
		Logger:             printfLogger{opts.Logger},
	}
	p.server.ErrorHandler = p.serveError
	if p.maxBody > 0 {
		p.server.HeaderReceived = p.headerReceived
	}
	p.client = &fasthttp.HostClient{
		Addr:                          up.addr,
		IsTLS:                         up.tls,
		TLSConfig:                     opts.UpstreamTLS,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
		StreamResponseBody:            true,
		ReadBufferSize:                responseHeaderBufferSize,
		MaxConnWaitTimeout:            connWaitTimeout,
		// The read deadline is set once per request, before the response
		// is read, so it bounds the response body too.
		ReadTimeout: opts.Limits.UpstreamTimeout,
	}
	if opts.Forward != nil {
		p.startForward(opts)
	}
	if opts.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load --tls-cert %s and --tls-key %s: %w", opts.TLSCert, opts.TLSKey, err)
		}
		p.server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		p.tls = true
	}
	return p, nil
}

// headerReceived lets a request that announces a body over the body limit
// reach the handler, which refuses it, after reading as little of that
// body as fasthttp allows instead of the capture limit's worth.
func (p *Proxy) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if int64(h.ContentLength()) > p.maxBody {
		return fasthttp.RequestConfig{MaxRequestBodySize: 1}
	}
	return fasthttp.RequestConfig{}
}

// normalizePrefixes makes prefixes comparable with the unmapped addresses
// the proxy works with, so that ::ffff:10.0.0.0/104 trusts 10.0.0.0/8.
func normalizePrefixes(in []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(in))
	for _, p := range in {
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out
}

// ListenAndServe listens on Options.Listen and serves until Shutdown.
func (p *Proxy) ListenAndServe() error {
	ln, err := p.Listen()
	if err != nil {
		return err
	}
	return p.Serve(ln)
}

// Listen opens the listener ListenAndServe would use, for a caller that
// wants a busy address reported before it starts anything else.
func (p *Proxy) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", p.listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", p.listen, listenCause(err))
	}
	return ln, nil
}

// listenCause strips the operation and address net.Listen puts in its
// errors, which the caller already states, leaving the reason: "address
// already in use" rather than "listen tcp 127.0.0.1:8080: bind: address
// already in use".
func listenCause(err error) error {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return sys.Err
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Err
	}
	return err
}

// Serve accepts clients on ln until Shutdown, after which it returns nil.
// It takes ownership of ln.
func (p *Proxy) Serve(ln net.Listener) error {
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		ln.Close()
		return fmt.Errorf("serve on %s: the proxy is shut down", ln.Addr())
	}
	p.ln = ln
	p.mu.Unlock()

	var err error
	if p.tls {
		// The certificate is in the server's TLSConfig already.
		err = p.server.ServeTLS(ln, "", "")
	} else {
		err = p.server.Serve(ln)
	}
	if p.isShut() {
		return nil
	}
	if err != nil {
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	}
	return nil
}

// Shutdown stops accepting clients and waits until the requests in flight
// have been answered and recorded, or ctx ends.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	p.shut = true
	ln := p.ln
	p.mu.Unlock()

	err := p.server.ShutdownWithContext(ctx)
	if wsErr := p.ws.shutdown(ctx); err == nil {
		err = wsErr
	}
	if p.fwd != nil {
		if fwdErr := p.fwd.shutdown(ctx); err == nil {
			err = fwdErr
		}
	}
	if ln != nil {
		// fasthttp has closed ln already unless Serve had not yet handed it
		// over; closing it again makes sure such a Serve returns.
		ln.Close()
	}
	p.client.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("shut down proxy: %w", err)
	}
	return nil
}

func (p *Proxy) isShut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.shut
}

// Addr is the address the proxy listens on, or nil before Serve.
func (p *Proxy) Addr() net.Addr {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return nil
	}
	return p.ln.Addr()
}

// Captured is the number of exchanges the sink accepted.
func (p *Proxy) Captured() uint64 { return p.captured.Load() }

// Dropped is the number of exchanges the sink refused. Their requests were
// still proxied.
func (p *Proxy) Dropped() uint64 { return p.dropped.Load() }

// printfLogger routes fasthttp's own messages (malformed requests, broken
// connections) to slog at debug level: they are routine on a proxy that
// faces scanners, and the TUI owns the terminal.
type printfLogger struct{ log *slog.Logger }

// Printf implements fasthttp.Logger.
func (l printfLogger) Printf(format string, args ...any) {
	l.log.Debug("proxy: " + fmt.Sprintf(format, args...))
}
