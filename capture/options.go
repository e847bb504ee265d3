package capture

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/spoorhq/spoor/engine"
)

const (
	// DefaultListen is where the proxy accepts clients unless told
	// otherwise: loopback, so that starting spoor never exposes an API.
	DefaultListen = "127.0.0.1:8080"

	// DefaultCaptureLimit is how many bytes of each body an exchange keeps
	// unless told otherwise: enough for JSON and form payloads, small enough
	// that a burst of uploads cannot exhaust memory.
	DefaultCaptureLimit = 64 << 10

	// DefaultUpstreamTimeout is how long the upstream has to answer a
	// request, headers and body, before the client gets a 504.
	DefaultUpstreamTimeout = 30 * time.Second

	// DefaultMaxHeaderBytes bounds a request's header block unless told
	// otherwise. fasthttp's 4 KiB default refuses the large cookie and JWT
	// headers many APIs carry; 32 KiB fits those without letting one
	// connection pin much memory.
	DefaultMaxHeaderBytes = 32 << 10

	// minHeaderBytes is the smallest header limit accepted: below it
	// ordinary browsers' requests no longer fit.
	minHeaderBytes = engine.MinProxyHeaderBytes
)

// Limits bound what the proxy accepts from clients and how long it waits
// for the upstream. Each applies when left at its zero value as its field
// says.
type Limits struct {
	// UpstreamTimeout is how long the upstream has, from when the request
	// has been sent, to send its whole response, body included: a request
	// it does not answer in time is answered with a 504 and recorded with
	// the reason, and a response body still streaming then is cut short.
	// DefaultUpstreamTimeout when zero.
	UpstreamTimeout time.Duration

	// MaxHeaderBytes bounds the request line and header block; a request
	// over it is answered 431 Request Header Fields Too Large.
	// DefaultMaxHeaderBytes when zero.
	MaxHeaderBytes int

	// MaxBodyBytes bounds a request body; a request announcing more is
	// answered 413 Content Too Large without being forwarded, and a chunked
	// body that grows past it is cut off upstream and answered 413. Zero
	// sets no bound. It is separate from CaptureLimit, which only bounds
	// what is kept.
	MaxBodyBytes int64
}

// withDefaults validates l and fills in its defaults.
func (l Limits) withDefaults() (Limits, error) {
	switch {
	case l.UpstreamTimeout < 0:
		return l, fmt.Errorf("invalid upstream timeout %v: want a positive duration", l.UpstreamTimeout)
	case l.MaxHeaderBytes != 0 && l.MaxHeaderBytes < minHeaderBytes:
		return l, fmt.Errorf("invalid header limit %d: want at least %d bytes", l.MaxHeaderBytes, minHeaderBytes)
	case l.MaxBodyBytes < 0:
		return l, fmt.Errorf("invalid body limit %d: want a byte count, or 0 for no limit", l.MaxBodyBytes)
	}
	if l.UpstreamTimeout == 0 {
		l.UpstreamTimeout = DefaultUpstreamTimeout
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return l, nil
}

// Sink receives captured exchanges. Offer must not block: it reports false
// when it cannot take x, and the proxy counts x as dropped.
// ingest.Queue is the usual Sink.
type Sink interface {
	Offer(x *engine.Exchange) bool
}

// Options configures a Proxy. Optional fields have a default that applies
// when they are left at their zero value.
type Options struct {
	// Upstream is the URL of the API behind the proxy, such as
	// http://127.0.0.1:3000. Its scheme is http or https; a path, if any,
	// is prepended to every forwarded path.
	Upstream string

	// Listen is the TCP address ListenAndServe accepts clients on;
	// DefaultListen when empty.
	Listen string

	// TrustForwarded lists the peers whose X-Forwarded-For, X-Forwarded-Proto
	// and X-Forwarded-Host headers are believed, typically a load balancer in
	// front of spoor. A request from any other peer has that peer as its
	// client IP, whatever headers it sends.
	TrustForwarded []netip.Prefix

	// CaptureLimit is how many bytes of each request and response body an
	// exchange keeps; DefaultCaptureLimit when zero. Larger bodies are still
	// forwarded whole.
	CaptureLimit int

	// Limits bound requests and the wait for the upstream.
	Limits Limits

	// TLSCert and TLSKey are the PEM files of the certificate and key the
	// proxy serves HTTPS with; both empty serves plain HTTP.
	TLSCert, TLSKey string

	// UpstreamTLS configures connections to an https upstream; nil verifies
	// the upstream against the system roots.
	UpstreamTLS *tls.Config

	// Forward, when set, makes the proxy a forward proxy for clients that
	// name their origin (see ForwardOptions); Upstream and the TLS
	// listener are then not used.
	Forward *ForwardOptions

	// Sink receives every exchange. It is required.
	Sink Sink

	// Gate, when set, may answer a request instead of the upstream (a
	// rule that blocks it); nil forwards everything. A forward proxy asks
	// it about the requests it captures, plain or intercepted.
	Gate Gate

	// Clock timestamps exchanges; time.Now when nil.
	Clock func() time.Time

	// Logger receives upstream failures and fasthttp's own complaints at
	// debug level; nothing is logged when nil.
	Logger *slog.Logger
}

// withDefaults validates o and fills in the optional fields.
func (o Options) withDefaults() (Options, error) {
	var err error
	if o.Sink == nil {
		return o, fmt.Errorf("new proxy: no sink to receive captured exchanges")
	}
	if o.CaptureLimit < 0 {
		return o, fmt.Errorf("invalid capture limit %d: want a byte count, or 0 for %d", o.CaptureLimit, DefaultCaptureLimit)
	}
	if o.CaptureLimit == 0 {
		o.CaptureLimit = DefaultCaptureLimit
	}
	if o.Limits, err = o.Limits.withDefaults(); err != nil {
		return o, err
	}
	if o.Forward != nil {
		if err := o.Forward.check(o); err != nil {
			return o, err
		}
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return o, fmt.Errorf("--tls-cert and --tls-key go together: give both files, or neither")
	}
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}
