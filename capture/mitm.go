package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// serveConnect answers a CONNECT: an in-scope host that has not refused an
// interception before is intercepted, any other is tunnelled untouched.
// A tunnel's origin is dialled before the client is answered, so an
// unreachable one gets a 502 rather than a tunnel that closes at once.
func (p *Proxy) serveConnect(ctx *fasthttp.RequestCtx) {
	f := p.fwd
	t, err := parseConnectTarget(string(ctx.Request.Header.RequestURI()))
	if err != nil {
		x, _ := f.quiet.newExchange(ctx, p.clock())
		f.quiet.answerError(ctx, x, fasthttp.StatusBadRequest, err.Error())
		return
	}
	if f.inScope(t.addr()) && !f.pinned.Has(t.host) {
		ctx.Response.Header.SetStatusMessage([]byte("Connection established"))
		ctx.Hijack(func(c net.Conn) { p.intercept(c, t) })
		return
	}
	origin, err := net.DialTimeout("tcp", t.addr(), tunnelDialTimeout)
	if err != nil {
		x, _ := f.quiet.newExchange(ctx, p.clock())
		f.quiet.answerError(ctx, x, fasthttp.StatusBadGateway, describeOriginError(t, err))
		return
	}
	ctx.Response.Header.SetStatusMessage([]byte("Connection established"))
	ctx.Hijack(func(c net.Conn) { f.tunnel(c, origin) })
}

// tunnel copies bytes both ways between the client and the origin until
// either side closes, then closes both.
func (f *forwarder) tunnel(client, origin net.Conn) {
	defer origin.Close()
	if !f.conns.add(client) {
		return
	}
	defer f.conns.remove(client)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// fasthttp closes a hijacked connection once the handler
			// returns, and its Close does nothing before that: a deadline
			// in the past is what ends a read on it now.
			client.SetDeadline(time.Unix(1, 0))
			origin.Close()
		})
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(origin, client)
		stop()
	}()
	io.Copy(client, origin)
	stop()
	wg.Wait()
}

// errOtherHost refuses a client hello whose server name is not the
// CONNECT's host: the requests inside would go to the CONNECT's host,
// not to the one the client verifies.
var errOtherHost = errors.New("the client hello names another host")

// interceptedConn is a client's TLS connection after a CONNECT, with the
// origin it asked for: the handler reads the target from it. It embeds
// the *tls.Conn so that fasthttp sees a TLS connection.
type interceptedConn struct {
	*tls.Conn
	target target
}

// intercept ends the client's TLS with a certificate minted for the
// CONNECT's host, then serves the requests inside through the proxy's
// handler, which forwards them to t over TLS. A client that names another
// host in its hello is refused: the requests inside would go to t. A host
// whose clients refuse the certificate pinAfter times is put on the
// pinned list.
func (p *Proxy) intercept(c net.Conn, t target) {
	f := p.fwd
	if !f.conns.add(c) {
		return
	}
	defer f.conns.remove(c)
	var minted atomic.Bool
	conf := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if h.ServerName != "" && !strings.EqualFold(h.ServerName, strings.TrimSuffix(t.host, ".")) {
				return nil, fmt.Errorf("%w: %s in a CONNECT to %s", errOtherHost, h.ServerName, t.host)
			}
			cert, err := f.ca.Leaf(t.host)
			// A certificate spoor failed to mint is no client refusing it.
			minted.Store(err == nil)
			return cert, err
		},
	}
	tc := tls.Server(c, conf)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		switch {
		case errors.Is(err, errOtherHost):
			p.log.Info("proxy: refused an interception", "host", t.host, "err", err)
		case !minted.Load() || !refusedCertificate(err):
			p.log.Debug("proxy: TLS handshake with the client failed", "host", t.host, "err", err)
		case f.refusals.count(t.host):
			p.log.Info("proxy: clients refused the minted certificate again; tunnelling the host from now on", "host", t.host, "err", err)
			if err := f.pinned.Add(t.host); err != nil {
				p.log.Warn("proxy: "+err.Error(), "host", t.host)
			}
		default:
			p.log.Info("proxy: client refused the minted certificate; one more refusal pins the host", "host", t.host, "err", err)
		}
		tc.Close()
		return
	}
	// ServeConn closes the connection when it is done.
	if err := p.server.ServeConn(&interceptedConn{Conn: tc, target: t}); err != nil {
		p.log.Debug("proxy: intercepted connection ended", "host", t.host, "err", err)
	}
}

// refusedCertificate reports whether a handshake that failed after the
// client said hello (and so after a certificate was chosen for it) is the
// client turning the certificate down. Clients do that in more ways than
// an alert about the certificate: some drop the connection, and OpenSSL
// over TLS 1.3 sends an alert Go cannot decrypt ("bad record MAC"). So
// every failure after hello counts but a timeout, which is a client that
// went quiet.
func refusedCertificate(err error) bool {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return false
	}
	return true
}
