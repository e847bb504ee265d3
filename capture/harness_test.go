package capture

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// harness is a real proxy on a loopback port in front of a real upstream,
// with the queue it feeds.
type harness struct {
	upstream *httptest.Server
	proxy    *Proxy
	queue    *ingest.Queue
	// url is the proxy's base URL, http://127.0.0.1:port.
	url string
}

// newHarness starts a proxy in front of the running upstream. opts.Upstream
// and opts.Sink are filled in unless set; both servers stop with the test.
func newHarness(t testing.TB, upstream *httptest.Server, opts Options) *harness {
	t.Helper()
	h := &harness{upstream: upstream}
	t.Cleanup(upstream.Close)
	if opts.Upstream == "" {
		opts.Upstream = h.upstream.URL
	}
	if opts.Sink == nil {
		h.queue = ingest.NewQueue(64)
		opts.Sink = h.queue
	}
	h.proxy, h.url = startProxy(t, opts)
	return h
}

// startProxy serves a proxy built from opts on a loopback port until the
// test ends, checking that it shuts down cleanly, and returns it with its
// base URL.
func startProxy(t testing.TB, opts Options) (*Proxy, string) {
	t.Helper()
	p, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return p, "http://" + ln.Addr().String()
}

// next waits for the next exchange the proxy recorded.
func (h *harness) next(t testing.TB) *engine.Exchange {
	t.Helper()
	select {
	case x := <-h.queue.C():
		return x
	case <-time.After(5 * time.Second):
		t.Fatal("no exchange recorded within 5s")
		return nil
	}
}

// client is an HTTP client that shows responses as they arrived: no
// transparent decompression, no redirects followed.
func client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 30 * time.Second,
	}
}
