package capture

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// forwardHarness is a forward proxy on loopback with two HTTPS origins:
// in, which it intercepts, and out, which scope leaves out.
type forwardHarness struct {
	proxy   *Proxy
	url     string
	queue   *ingest.Queue
	in, out *httptest.Server
	// client goes through the proxy and trusts only spoor's CA.
	client *http.Client
	// direct goes through the proxy and trusts only the origins' CA.
	direct *http.Client

	mu sync.Mutex
	// seen are the paths the origins were asked for.
	seen []string
}

// newForwardHarness starts the proxy with gate, which may be nil.
func newForwardHarness(t *testing.T, gate Gate) *forwardHarness {
	t.Helper()
	h := &forwardHarness{queue: ingest.NewQueue(64)}
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.URL.Path)
		h.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		w.Write([]byte(r.Method + " " + r.URL.RequestURI() + " " + string(body)))
	})
	h.in, h.out = httptest.NewTLSServer(echo), httptest.NewTLSServer(echo)
	t.Cleanup(h.in.Close)
	t.Cleanup(h.out.Close)
	origins := x509.NewCertPool()
	origins.AddCert(h.in.Certificate()) // both share httptest's certificate
	ca, _, err := LoadOrCreateCA(filepath.Join(t.TempDir(), "ca"))
	if err != nil {
		t.Fatal(err)
	}
	outAddr := strings.TrimPrefix(h.out.URL, "https://")
	h.proxy, h.url = startProxy(t, Options{
		Sink:        h.queue,
		Gate:        gate,
		UpstreamTLS: &tls.Config{RootCAs: origins},
		Forward:     &ForwardOptions{CA: ca, InScope: func(host string) bool { return host != outAddr }},
	})
	spoorCA := x509.NewCertPool()
	spoorCA.AddCert(ca.Certificate())
	u, _ := url.Parse(h.url)
	h.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: &tls.Config{RootCAs: spoorCA}}}
	h.direct = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: &tls.Config{RootCAs: origins}}}
	return h
}

func get(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestForwardProxyIntercepts sends requests through an in-process forward
// proxy with Go's client: an in-scope HTTPS request is answered through
// spoor's certificate and recorded with its scheme, host and bodies, on a
// connection kept alive across requests; an out-of-scope one is tunnelled
// (only the origin's certificate passes) and not recorded. Shutdown with
// connections still open ends cleanly (startProxy checks it).
func TestForwardProxyIntercepts(t *testing.T) {
	h := newForwardHarness(t, nil)
	for i := range 2 {
		status, body := get(t, h.client, "POST", h.in.URL+"/in?n=1", "hello")
		if status != 200 || body != "POST /in?n=1 hello" {
			t.Fatalf("intercepted POST %d: %d %q", i, status, body)
		}
		x := h.next(t)
		if x.Scheme != "https" || x.Host != strings.TrimPrefix(h.in.URL, "https://") || x.Path != "/in" || x.Query != "n=1" ||
			string(x.ReqBody.Data) != "hello" || string(x.RespBody.Data) != "POST /in?n=1 hello" || x.ClientIP != "127.0.0.1" {
			t.Errorf("recorded %+v", x)
		}
	}
	if status, body := get(t, h.direct, "GET", h.out.URL+"/out", ""); status != 200 || body != "GET /out " {
		t.Errorf("tunnelled GET: %d %q", status, body)
	}
	// The intercepted host again, so that an exchange recorded for /out
	// would come first.
	get(t, h.client, "GET", h.in.URL+"/after", "")
	if x := h.next(t); x.Path != "/after" {
		t.Errorf("recorded %s %s, want /after: the tunnel was recorded", x.Method, x.Path)
	}
	if h.proxy.Captured() != 3 {
		t.Errorf("captured %d, want 3", h.proxy.Captured())
	}
}

// TestForwardProxyRefusesOriginForm checks that a request a forward proxy
// cannot route gets one clear line and is not recorded.
func TestForwardProxyRefusesOriginForm(t *testing.T) {
	h := newForwardHarness(t, nil)
	status, body := get(t, &http.Client{Timeout: 5 * time.Second}, "GET", h.url+"/direct", "")
	if status != 400 || !strings.Contains(body, "a forward proxy wants an absolute URL") {
		t.Errorf("origin-form request: %d %q", status, body)
	}
	if h.proxy.Captured() != 0 {
		t.Errorf("captured %d, want 0", h.proxy.Captured())
	}
}

// TestForwardProxyGate blocks one path with a 403 through the gate:
// neither a plain absolute-form request nor one inside an intercepted
// CONNECT reaches its origin, both are recorded with the rule, and the
// client on loopback is judged like any other. Other paths pass.
func TestForwardProxyGate(t *testing.T) {
	gate := func(x *engine.Exchange) (int, string) {
		if x.Path == "/blocked" {
			return 403, "no-blocked"
		}
		return 0, ""
	}
	h := newForwardHarness(t, gate)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.URL.Path)
		h.mu.Unlock()
		io.WriteString(w, "plain")
	}))
	t.Cleanup(plain.Close)

	for _, origin := range []string{plain.URL, h.in.URL} {
		status, body := get(t, h.client, "GET", origin+"/blocked", "")
		if status != 403 || body != "spoor: blocked by rule no-blocked\n" {
			t.Errorf("%s/blocked: %d %q; want the rule's 403", origin, status, body)
		}
		if x := h.next(t); x.Status != 403 || x.BlockedBy != "no-blocked" || x.Path != "/blocked" || x.ClientIP != "127.0.0.1" {
			t.Errorf("%s/blocked recorded as %+v", origin, x)
		}
		if status, _ := get(t, h.client, "GET", origin+"/open", ""); status != 200 {
			t.Errorf("%s/open: %d, want 200", origin, status)
		}
		if x := h.next(t); x.Path != "/open" || x.BlockedBy != "" {
			t.Errorf("%s/open recorded as %+v", origin, x)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if slices.Contains(h.seen, "/blocked") || len(h.seen) != 2 {
		t.Errorf("the origins saw %v; want /open twice, never /blocked", h.seen)
	}
}

// next waits for the next exchange the forward proxy recorded.
func (h *forwardHarness) next(t *testing.T) *engine.Exchange {
	t.Helper()
	select {
	case x := <-h.queue.C():
		return x
	case <-time.After(5 * time.Second):
		t.Fatal("no exchange recorded within 5s")
		return nil
	}
}
