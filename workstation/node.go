package workstation

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/relay"
)

// publisherDrain is how long closing a capture node waits for NATS to
// acknowledge what it still holds.
const publisherDrain = 10 * time.Second

// tee offers each exchange to the publisher, which encodes and seals it
// at once, then to the local queue, whose analysis changes it: so the
// network copy is the exchange as captured. The proxy counts a drop when
// the local queue refuses; the publisher counts its own.
type tee struct {
	p *relay.Publisher
	q capture.Sink
}

func (t tee) Offer(x *engine.Exchange) bool {
	t.p.Offer(x)
	return t.q.Offer(x)
}

// Node is a capture node without a store: the proxy publishes every
// exchange to NATS JetStream and keeps nothing locally (spoor proxy
// --publish without --db).
type Node struct {
	proxy     *capture.Proxy
	publisher *relay.Publisher
	listener  net.Listener
	serveDone chan error
	closeOnce sync.Once
	closeErr  error
}

// NodeOptions configure a Node: the proxy's as Options has them, and where
// to publish.
type NodeOptions struct {
	Options
	Publish relay.PublishOptions
}

// OpenNode starts the publisher, then the proxy.
func OpenNode(opts NodeOptions) (*Node, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	p, err := relay.Publish(opts.Publish)
	if err != nil {
		return nil, err
	}
	n := &Node{publisher: p, serveDone: make(chan error, 1)}
	n.proxy, err = capture.New(capture.Options{
		Upstream: opts.Upstream, Listen: opts.Listen, TrustForwarded: opts.TrustForwarded,
		Limits: opts.ProxyLimits, TLSCert: opts.TLSCert, TLSKey: opts.TLSKey, UpstreamTLS: opts.UpstreamTLS,
		Sink: p, Logger: opts.Log,
	})
	if err == nil {
		n.listener, err = n.proxy.Listen()
	}
	if err != nil {
		_ = p.Close(0)
		return nil, err
	}
	go func() { n.serveDone <- n.proxy.Serve(n.listener) }()
	opts.Log.Info("capture node started", "listen", n.Addr(), "upstream", opts.Upstream, "node", opts.Publish.Node)
	return n, nil
}

// Addr is the proxy's listening address.
func (n *Node) Addr() string { return n.listener.Addr().String() }

// Stats reads the publisher's counters.
func (n *Node) Stats() relay.PublisherStats { return n.publisher.Stats() }

// Close finishes the requests in flight, then waits for NATS to
// acknowledge what the publisher holds; what it does not within
// publisherDrain is counted as dropped. A second Close returns the first
// one's result.
func (n *Node) Close() error {
	n.closeOnce.Do(func() { n.closeErr = n.close() })
	return n.closeErr
}

func (n *Node) close() error {
	var errs []error
	if err := stopProxy(n.proxy, n.serveDone); err != nil {
		errs = append(errs, err)
	}
	if err := n.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, fmt.Errorf("close listener: %w", err))
	}
	if err := n.publisher.Close(publisherDrain); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
