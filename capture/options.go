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
)

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

	// UpstreamTLS configures connections to an https upstream; nil verifies
	// the upstream against the system roots.
	UpstreamTLS *tls.Config

	// Sink receives every exchange. It is required.
	Sink Sink

	// Clock timestamps exchanges; time.Now when nil.
	Clock func() time.Time

	// Logger receives upstream failures and fasthttp's own complaints at
	// debug level; nothing is logged when nil.
	Logger *slog.Logger
}

// withDefaults validates o and fills in the optional fields.
func (o Options) withDefaults() (Options, error) {
	if o.Sink == nil {
		return o, fmt.Errorf("new proxy: no sink to receive captured exchanges")
	}
	if o.CaptureLimit < 0 {
		return o, fmt.Errorf("invalid capture limit %d: want a byte count, or 0 for %d", o.CaptureLimit, DefaultCaptureLimit)
	}
	if o.CaptureLimit == 0 {
		o.CaptureLimit = DefaultCaptureLimit
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
