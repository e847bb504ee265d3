package capture

import (
	"net"
	"testing"

	"github.com/spoorhq/spoor/ingest"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

// BenchmarkProxy measures the proxy's own cost on a small GET: client,
// proxy and upstream talk over in-memory pipes, and the queue is drained as
// the analysis loop would.
func BenchmarkProxy(b *testing.B) {
	upLn := fasthttputil.NewInmemoryListener()
	upstream := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.Response.Header.Set("Set-Cookie", "sid=abc; Path=/")
		ctx.SetBodyString(`{"id":7,"name":"ann"}`)
	}}
	go upstream.Serve(upLn)
	defer upstream.Shutdown()

	q := ingest.NewQueue(1024)
	drained := make(chan struct{})
	go func() {
		for range q.C() {
		}
		close(drained)
	}()
	defer func() { q.Close(); <-drained }()

	p, err := New(Options{Upstream: "http://api.internal", Sink: q})
	if err != nil {
		b.Fatal(err)
	}
	p.client.Dial = func(string) (net.Conn, error) { return upLn.Dial() }
	proxyLn := fasthttputil.NewInmemoryListener()
	go p.Serve(proxyLn)
	defer p.Shutdown(b.Context())

	peer := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
	c := &fasthttp.HostClient{Addr: "spoor", Dial: func(string) (net.Conn, error) { return proxyLn.DialWithLocalAddr(peer) }}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://spoor/users/7?expand=orders")
	req.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")
	req.Header.Set("Accept", "application/json")

	b.ReportAllocs()
	for b.Loop() {
		if err := c.Do(req, resp); err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode() != fasthttp.StatusOK {
			b.Fatalf("status %d", resp.StatusCode())
		}
	}
	b.StopTimer()
	if p.Captured()+p.Dropped() == 0 {
		b.Fatal("nothing recorded")
	}
}
