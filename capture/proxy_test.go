package capture

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/ingest"
)

func TestNewValidatesOptions(t *testing.T) {
	q := ingest.NewQueue(1)
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "http", opts: Options{Upstream: "http://127.0.0.1:3000", Sink: q}},
		{name: "https with path", opts: Options{Upstream: "https://api.example/v1/", Sink: q}},
		{name: "ipv6", opts: Options{Upstream: "http://[::1]:3000", Sink: q}},
		{name: "no scheme", opts: Options{Upstream: "127.0.0.1:3000", Sink: q}, wantErr: `invalid --upstream "127.0.0.1:3000": want a URL such as http://127.0.0.1:3000`},
		{name: "word", opts: Options{Upstream: "foo", Sink: q}, wantErr: `invalid --upstream "foo": want a URL such as http://127.0.0.1:3000`},
		{name: "empty", opts: Options{Sink: q}, wantErr: `invalid --upstream "": want a URL such as http://127.0.0.1:3000`},
		{name: "other scheme", opts: Options{Upstream: "ftp://files.example", Sink: q}, wantErr: `invalid --upstream "ftp://files.example"`},
		{name: "no host", opts: Options{Upstream: "http:///path", Sink: q}, wantErr: `invalid --upstream "http:///path"`},
		{name: "query", opts: Options{Upstream: "http://api.example/?k=v", Sink: q}, wantErr: `invalid --upstream`},
		{name: "no sink", opts: Options{Upstream: "http://127.0.0.1:3000"}, wantErr: "no sink"},
		{name: "negative limit", opts: Options{Upstream: "http://127.0.0.1:3000", Sink: q, CaptureLimit: -1}, wantErr: "invalid capture limit -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New error = %v, want one containing %q", err, tt.wantErr)
			}
			// The command line checks the upstream with CheckUpstream
			// before it opens anything: it must agree with New.
			if tt.opts.Sink != nil && tt.opts.CaptureLimit == 0 {
				if cerr := CheckUpstream(tt.opts.Upstream); (cerr == nil) != (err == nil) {
					t.Errorf("CheckUpstream = %v, New = %v", cerr, err)
				}
			}
		})
	}
}

func TestListenAndServeReportsBusyAddress(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	p, err := New(Options{Upstream: "http://127.0.0.1:3000", Listen: taken.Addr().String(), Sink: ingest.NewQueue(1)})
	if err != nil {
		t.Fatal(err)
	}
	want := "listen on " + taken.Addr().String() + ": address already in use"
	if _, err := p.Listen(); err == nil || err.Error() != want || !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Listen = %v, want %q", err, want)
	}
	if err := p.ListenAndServe(); err == nil || err.Error() != want {
		t.Errorf("ListenAndServe = %v, want %q", err, want)
	}
}

func TestUnreachableUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := "http://" + ln.Addr().String()
	ln.Close() // Nothing listens there any more.
	q := ingest.NewQueue(4)
	p, url := startProxy(t, Options{Upstream: upstream, Sink: q})

	resp, err := client().Post(url+"/login", "application/json", strings.NewReader(`{"user":"ann"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantBody := "spoor: upstream " + upstream + " unreachable: "
	if resp.StatusCode != http.StatusBadGateway || !strings.HasPrefix(string(body), wantBody) {
		t.Errorf("client got %d %q, want 502 starting %q", resp.StatusCode, body, wantBody)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("502 Content-Type = %q, want plain text", ct)
	}

	x := <-q.C()
	if x.Status != http.StatusBadGateway || !strings.HasPrefix(x.Error, "upstream "+upstream+" unreachable: ") {
		t.Errorf("exchange status %d error %q, want 502 and the reason", x.Status, x.Error)
	}
	if x.Method != "POST" || x.Path != "/login" || string(x.RespBody.Data) != string(body) {
		t.Errorf("exchange %s %s with body %q, want the request and the 502 the client got", x.Method, x.Path, x.RespBody.Data)
	}
	if p.Captured() != 1 || p.Dropped() != 0 {
		t.Errorf("captured %d dropped %d, want 1 and 0", p.Captured(), p.Dropped())
	}
}

func TestFullSinkDropsButProxies(t *testing.T) {
	q := ingest.NewQueue(1)
	h := newHarness(t, httptest.NewServer(apiHandler()), Options{Sink: q})
	const n = 5
	for i := range n {
		resp, err := client().Get(h.url + "/echo")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "GET /echo") {
			t.Fatalf("request %d: got %d %q while the sink was full", i, resp.StatusCode, body)
		}
	}
	// The last exchange is recorded just after its body is sent.
	waitFor(t, func() bool { return h.proxy.Captured()+h.proxy.Dropped() == n })
	if h.proxy.Captured() != 1 || h.proxy.Dropped() != n-1 {
		t.Errorf("captured %d dropped %d, want 1 and %d", h.proxy.Captured(), h.proxy.Dropped(), n-1)
	}
}

// waitFor polls cond until it holds, failing the test after 5s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestChunkedResponseIsStreamed(t *testing.T) {
	next := make(chan struct{})
	h := newHarness(t, httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			io.WriteString(w, "event\n")
			w.(http.Flusher).Flush()
			if i < 2 {
				<-next
			}
		}
	})), Options{})
	resp, err := client().Get(h.url + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("transfer encoding %q, want chunked", resp.TransferEncoding)
	}
	// Each event must reach the client before the upstream writes the next,
	// or the proxy is buffering the stream.
	r := bufio.NewReader(resp.Body)
	for i := range 3 {
		line, err := r.ReadString('\n')
		if err != nil || line != "event\n" {
			t.Fatalf("event %d: %q, %v", i, line, err)
		}
		if i < 2 {
			next <- struct{}{}
		}
	}
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		t.Errorf("trailing bytes %q", rest)
	}
	if x := h.next(t); x.RespBody.Size != 18 || string(x.RespBody.Data) != "event\nevent\nevent\n" {
		t.Errorf("exchange body %q of %d bytes, want the three events", x.RespBody.Data, x.RespBody.Size)
	}
}

func TestClientLeavingMidBodyIsRecorded(t *testing.T) {
	h := newHarness(t, httptest.NewServer(apiHandler()), Options{})
	resp, err := client().Get(h.url + "/big")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // Hangs up with most of the body unsent.

	x := h.next(t)
	if x.Status != http.StatusOK || !strings.HasPrefix(x.Error, "response body cut short") || x.RespBody.Size >= int64(len(bigBody)) {
		t.Errorf("exchange status %d error %q body size %d, want 200, a cut-short error and a partial size", x.Status, x.Error, x.RespBody.Size)
	}
}

func TestUpstreamConnectionsAreReused(t *testing.T) {
	var conns atomic.Int32
	up := httptest.NewUnstartedServer(apiHandler())
	up.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	up.Start()
	h := newHarness(t, up, Options{})
	for _, path := range []string{"/echo", "/big", "/chunked", "/empty", "/echo"} {
		resp, err := client().Get(h.url + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		h.next(t)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("proxy opened %d upstream connections for sequential requests, want 1", n)
	}
}

func TestUpstreamPathPrefix(t *testing.T) {
	seen := make(chan seenRequest, 1)
	up := httptest.NewServer(recordingHandler(seen, func(http.ResponseWriter) {}))
	h := newHarness(t, up, Options{Upstream: up.URL + "/api/v2/"})
	resp, err := client().Get(h.url + "/users/7?full=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := (<-seen).requestURI; got != "/api/v2/users/7?full=1" {
		t.Errorf("upstream request URI = %q, want the prefix then the client's", got)
	}
	if x := h.next(t); x.Path != "/users/7" {
		t.Errorf("exchange path = %q, want the client's", x.Path)
	}
}

func TestHTTPSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(apiHandler())
	tlsConfig := up.Client().Transport.(*http.Transport).TLSClientConfig
	h := newHarness(t, up, Options{UpstreamTLS: tlsConfig})
	resp, err := client().Get(h.url + "/echo?tls=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "GET /echo?tls=1 ") {
		t.Errorf("got %d %q through an https upstream", resp.StatusCode, body)
	}
	if x := h.next(t); x.Status != http.StatusOK || x.Scheme != "http" {
		t.Errorf("exchange status %d scheme %q, want 200 over the client's http", x.Status, x.Scheme)
	}
}

func TestShutdownWaitsForRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "late but whole")
	}))
	defer up.Close()
	q := ingest.NewQueue(4)
	p, err := New(Options{Upstream: up.URL, Sink: q})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()

	answered := make(chan string, 1)
	go func() {
		resp, err := client().Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			answered <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- string(body)
	}()
	<-entered

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- p.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if got := <-answered; got != "late but whole" {
		t.Errorf("in-flight request got %q", got)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if p.Captured() != 1 {
		t.Errorf("captured %d, want the in-flight exchange", p.Captured())
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("proxy still accepts connections after Shutdown")
	}
}

func TestListenAndServe(t *testing.T) {
	up := httptest.NewServer(apiHandler())
	defer up.Close()
	p, err := New(Options{Upstream: up.URL, Listen: "127.0.0.1:0", Sink: ingest.NewQueue(4)})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.ListenAndServe() }()
	waitFor(t, func() bool { return p.Addr() != nil })

	resp, err := client().Get("http://" + p.Addr().String() + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("ListenAndServe after Shutdown = %v, want nil", err)
	}
}
