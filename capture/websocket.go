package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

const (
	// wsDialTimeout bounds the dial of the upstream for a WebSocket.
	wsDialTimeout = 10 * time.Second

	// wsHandshakeTimeout bounds the upstream's answer to the handshake.
	wsHandshakeTimeout = 30 * time.Second

	// wsMaxRefusalBody bounds the body of an upstream's answer other than
	// 101 to a handshake, which is read whole and relayed as a response.
	wsMaxRefusalBody = 1 << 20

	// wsBufferSize is the copy buffer of each direction of a relay.
	wsBufferSize = 32 << 10
)

// isWebSocketUpgrade reports whether a request asks to open a WebSocket
// (RFC 6455 section 4.1): a GET without a body whose Connection header lists
// upgrade and whose Upgrade header names websocket. Other upgrades (h2c) are
// not taken: their Upgrade header is dropped like any hop-by-hop header, and
// the request is proxied as plain HTTP/1.1, which the upstream answers as
// such.
func isWebSocketUpgrade(ctx *fasthttp.RequestCtx, x *engine.Exchange) bool {
	// fasthttp says -2 for a request without Content-Length or chunking,
	// which has no body.
	if cl := ctx.Request.Header.ContentLength(); x.Method != fasthttp.MethodGet || (cl != 0 && cl != -2) {
		return false
	}
	if !connectionOptionsOf(x.ReqHeaders).lists("Upgrade") {
		return false
	}
	for p := range strings.SplitSeq(joinValues(x.ReqHeaders, "Upgrade"), ",") {
		if strings.EqualFold(strings.TrimSpace(p), "websocket") {
			return true
		}
	}
	return false
}

// serveWebSocket passes a WebSocket handshake to the upstream on a
// connection of its own. An answer other than 101 is relayed as a plain
// response. A 101 is relayed, and the two connections are then joined until
// either side closes; the exchange is recorded then, with its frame counts.
func (p *Proxy) serveWebSocket(ctx *fasthttp.RequestCtx, x *engine.Exchange, a arrival) {
	up, err := p.dialUpstream()
	if err != nil {
		p.answerError(ctx, x, fasthttp.StatusBadGateway, p.upstream.describe(err))
		return
	}
	br, resp, err := p.handshake(ctx, up, x, a)
	if err != nil {
		up.Close()
		fasthttp.ReleaseResponse(resp)
		p.answerError(ctx, x, fasthttp.StatusBadGateway, p.upstream.describe(fmt.Errorf("websocket handshake: %w", err)))
		return
	}
	defer fasthttp.ReleaseResponse(resp)
	x.Status = resp.StatusCode()
	x.RespHeaders = responseHeaders(&resp.Header)
	if x.Status != fasthttp.StatusSwitchingProtocols {
		// The upstream refused the upgrade; its answer is an ordinary
		// response, and the connection is not reused.
		up.Close()
		p.relayRefusal(ctx, resp, x)
		return
	}
	up.SetDeadline(time.Time{})
	// The 101 is written by the relay itself: fasthttp would add headers of
	// its own, and would skip the hijack when it chose to close.
	head := switchingProtocols(resp, x.RespHeaders)
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(client net.Conn) {
		p.relayWebSocket(client, up, br, head, x)
	})
}

// dialUpstream opens a connection of its own to the upstream, in TLS when
// the upstream is https.
func (p *Proxy) dialUpstream() (net.Conn, error) {
	d := &net.Dialer{Timeout: wsDialTimeout}
	if !p.upstream.tls {
		return d.Dial("tcp", p.upstream.addr)
	}
	td := &tls.Dialer{NetDialer: d, Config: p.client.TLSConfig}
	return td.Dial("tcp", p.upstream.addr)
}

// handshake sends the client's handshake upstream, with the forwarding
// headers every request gets, and reads the answer. The reader it returns
// may hold frames the upstream sent right after its 101.
func (p *Proxy) handshake(ctx *fasthttp.RequestCtx, up net.Conn, x *engine.Exchange, a arrival) (*bufio.Reader, *fasthttp.Response, error) {
	resp := fasthttp.AcquireResponse()
	resp.Header.DisableNormalizing()
	resp.Header.SetNoDefaultContentType(true)
	if err := up.SetDeadline(time.Now().Add(wsHandshakeTimeout)); err != nil {
		return nil, resp, err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.DisableNormalizing()
	// isWebSocketUpgrade took only requests without a body, so there is
	// no body tap to keep.
	p.outboundRequest(ctx, req, x, a)
	// The hop-by-hop headers outboundRequest leaves out are this hop's
	// handshake too.
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", joinValues(x.ReqHeaders, "Upgrade"))
	bw := bufio.NewWriter(up)
	if err := req.Write(bw); err != nil {
		return nil, resp, err
	}
	if err := bw.Flush(); err != nil {
		return nil, resp, err
	}
	br := bufio.NewReaderSize(up, wsBufferSize)
	if err := resp.ReadLimitBody(br, wsMaxRefusalBody); err != nil {
		return nil, resp, err
	}
	return br, resp, nil
}

// relayRefusal answers the client with the upstream's answer to a
// handshake it did not accept, and records it.
func (p *Proxy) relayRefusal(ctx *fasthttp.RequestCtx, resp *fasthttp.Response, x *engine.Exchange) {
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
	out.SetBody(resp.Body())
	x.RespBody = capturedBody(resp.Body(), p.limit)
	p.record(x)
}

// switchingProtocols is the 101 the client gets: the upstream's status line
// and end-to-end headers, with this hop's Connection and Upgrade.
func switchingProtocols(resp *fasthttp.Response, hs []engine.Header) []byte {
	var b strings.Builder
	msg := string(resp.Header.StatusMessage())
	if msg == "" {
		msg = "Switching Protocols"
	}
	fmt.Fprintf(&b, "HTTP/1.1 101 %s\r\n", msg)
	conn := connectionOptionsOf(hs)
	for _, h := range hs {
		if !conn.forwardable(h.Name) || strings.EqualFold(h.Name, "Content-Length") {
			continue
		}
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	upgrade := joinValues(hs, "Upgrade")
	if upgrade == "" {
		upgrade = "websocket"
	}
	b.WriteString("Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\n\r\n")
	return []byte(b.String())
}

// relayWebSocket writes the 101 to the client, then copies frames both
// ways until either side closes, a frame is malformed, or the proxy shuts
// down, and records the exchange with what crossed. fasthttp closes client
// when it returns.
func (p *Proxy) relayWebSocket(client, up net.Conn, upReader *bufio.Reader, head []byte, x *engine.Exchange) {
	ws := &engine.WebSocketInfo{}
	x.WS = ws
	r := &wsRelay{client: client, up: up}
	if !p.ws.add(r) {
		up.Close()
		ws.End = "the proxy is shutting down"
		p.record(x)
		return
	}
	// The exchange is recorded before the relay is forgotten, so that
	// Shutdown returns only after it has been offered.
	defer p.ws.remove(r)
	defer p.record(x)
	defer up.Close()
	if _, err := client.Write(head); err != nil {
		ws.End = fmt.Sprintf("writing the 101 to the client: %v", err)
		return
	}

	var upward, downward frameCounter
	ends := make(chan error, 2)
	go func() { ends <- pipe(up, client, &upward, "client") }()
	go func() { ends <- pipe(client, upReader, &downward, "upstream") }()
	// Either side closing ends the connection: the other is closed so that
	// its copy returns too.
	first := <-ends
	r.close("")
	second := <-ends

	ws.FramesUp, ws.BytesUp = upward.frames, upward.bytes
	ws.FramesDown, ws.BytesDown = downward.frames, downward.bytes
	var bad *frameError
	switch {
	case errors.As(first, &bad), errors.As(second, &bad):
		ws.End = bad.Error()
	default:
		ws.End = r.reason()
	}
}

// pipe copies src to dst through c until src ends, a write fails, or a
// frame is malformed. Only the bytes before a malformed frame are passed
// on. It returns the malformed frame's error, or nil.
func pipe(dst io.Writer, src io.Reader, c *frameCounter, from string) error {
	buf := make([]byte, wsBufferSize)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			ok, ferr := c.feed(buf[:n])
			if ok > 0 {
				if _, werr := dst.Write(buf[:ok]); werr != nil {
					return nil
				}
				c.bytes += int64(ok)
			}
			if ferr != nil {
				return &frameError{from: from, err: ferr}
			}
		}
		if err != nil {
			return nil
		}
	}
}

// frameError is a malformed frame that ended a relay.
type frameError struct {
	from string
	err  error
}

func (e *frameError) Error() string {
	return "malformed frame from the " + e.from + ": " + e.err.Error()
}

func (e *frameError) Unwrap() error { return e.err }

// wsRelay is one joined pair of connections, so that Shutdown can end it.
type wsRelay struct {
	client, up net.Conn

	mu  sync.Mutex
	why string
}

// close ends both connections; why, when not empty, says why the proxy
// ended the connection, and the first reason given sticks.
func (r *wsRelay) close(why string) {
	r.mu.Lock()
	if r.why == "" {
		r.why = why
	}
	r.mu.Unlock()
	// fasthttp closes a hijacked connection itself once the relay returns,
	// and its Close does nothing before that; a deadline in the past is
	// what unblocks a read on it now.
	past := time.Unix(1, 0)
	r.client.SetDeadline(past)
	r.up.SetDeadline(past)
	r.up.Close()
}

func (r *wsRelay) reason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.why
}

// wsRelays are the WebSocket connections the proxy relays. fasthttp does
// not track a connection it handed over, so Shutdown ends these itself and
// waits until they are recorded.
type wsRelays struct {
	mu     sync.Mutex
	open   map[*wsRelay]struct{}
	closed bool
	wg     sync.WaitGroup
}

// add registers r, or reports false once the proxy is shutting down.
func (s *wsRelays) add(r *wsRelay) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.open == nil {
		s.open = make(map[*wsRelay]struct{})
	}
	s.open[r] = struct{}{}
	s.wg.Add(1)
	return true
}

// remove forgets r once it has ended; its exchange is recorded by then,
// as the relay's deferred calls run in reverse.
func (s *wsRelays) remove(r *wsRelay) {
	s.mu.Lock()
	delete(s.open, r)
	s.mu.Unlock()
	s.wg.Done()
}

// shutdown ends every relay and waits until each has been recorded, or ctx
// ends.
func (s *wsRelays) shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for r := range s.open {
		r.close("the proxy shut down")
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("websocket connections still open: %w", ctx.Err())
	}
}
