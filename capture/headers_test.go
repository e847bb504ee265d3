package capture

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// seenRequest is what the upstream received of a request.
type seenRequest struct {
	method, requestURI, host string
	header                   http.Header
	transfer                 []string
	body                     string
}

// recordingHandler answers every request with a fixed reply after sending
// what it received on seen.
func recordingHandler(seen chan<- seenRequest, reply func(http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen <- seenRequest{
			method: r.Method, requestURI: r.RequestURI, host: r.Host,
			header: r.Header.Clone(), transfer: r.TransferEncoding, body: string(body),
		}
		reply(w)
	})
}

// rawRoundTrip writes a hand-made request to addr, so that the test controls
// every header byte, and reads the response.
func rawRoundTrip(t *testing.T, url, raw string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

func TestHopByHopHeadersAreStripped(t *testing.T) {
	seen := make(chan seenRequest, 1)
	h := newHarness(t, httptest.NewServer(recordingHandler(seen, func(w http.ResponseWriter) {
		w.Header().Set("Connection", "X-Resp-Hop")
		w.Header().Set("X-Resp-Hop", "1")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("Upgrade", "foo/1")
		w.Header().Set("Proxy-Authenticate", "Basic")
		w.Header().Set("Proxy-Connection", "keep-alive")
		w.Header().Set("X-End-To-End", "kept")
		io.WriteString(w, "ok")
	})), Options{})

	resp, body := rawRoundTrip(t, h.url, "GET /a/../b%2Fc?x=1&y HTTP/1.1\r\n"+
		"Host: api.example\r\n"+
		"Connection: keep-alive, X-Req-Hop\r\n"+
		"X-Req-Hop: secret\r\n"+
		"Keep-Alive: timeout=5\r\n"+
		"Proxy-Connection: keep-alive\r\n"+
		"Proxy-Authorization: Basic cHJveHk6cHc=\r\n"+
		"TE: trailers\r\n"+
		"Upgrade: websocket\r\n"+
		"Trailer: X-Later\r\n"+
		"authorization: Bearer tok\r\n"+
		"Cookie: a=1\r\n"+
		"Cookie: b=2\r\n"+
		"\r\n")
	got := <-seen

	for _, name := range []string{"Connection", "X-Req-Hop", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Te", "Upgrade", "Trailer"} {
		if v, ok := got.header[name]; ok {
			t.Errorf("upstream got hop-by-hop request header %s: %q", name, v)
		}
	}
	if v := got.header.Get("Authorization"); v != "Bearer tok" {
		t.Errorf("upstream Authorization = %q, want the client's", v)
	}
	if v := strings.Join(got.header.Values("Cookie"), "; "); v != "a=1; b=2" {
		t.Errorf("upstream Cookie = %q, want a=1; b=2", v)
	}
	if got.requestURI != "/a/../b%2Fc?x=1&y" {
		t.Errorf("upstream request URI = %q, want it unchanged", got.requestURI)
	}
	if got.host != strings.TrimPrefix(h.upstream.URL, "http://") {
		t.Errorf("upstream Host = %q, want the upstream's", got.host)
	}

	for _, name := range []string{"X-Resp-Hop", "Keep-Alive", "Upgrade", "Proxy-Authenticate", "Proxy-Connection"} {
		if v, ok := resp.Header[name]; ok {
			t.Errorf("client got hop-by-hop response header %s: %q", name, v)
		}
	}
	if v := resp.Header.Get("Connection"); v != "" && v != "keep-alive" {
		t.Errorf("client got upstream's Connection header %q", v)
	}
	if v := resp.Header.Get("X-End-To-End"); v != "kept" || body != "ok" {
		t.Errorf("client got X-End-To-End %q and body %q, want kept and ok", v, body)
	}

	x := h.next(t)
	if x.Path != "/a/../b/c" || x.Query != "x=1&y" {
		t.Errorf("exchange path %q query %q, want /a/../b/c and x=1&y", x.Path, x.Query)
	}
	// The capture holds the request as the client sent it, hop-by-hop
	// headers and all, in order and with the client's spelling.
	var names []string
	for _, hd := range x.ReqHeaders {
		names = append(names, hd.Name)
	}
	want := []string{"Host", "Connection", "X-Req-Hop", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Upgrade", "Trailer", "authorization", "Cookie", "Cookie"}
	if !slices.Equal(names, want) {
		t.Errorf("exchange request headers %q, want %q", names, want)
	}
	if v := x.RespHeader("X-Resp-Hop"); v != "1" {
		t.Errorf("exchange response X-Resp-Hop = %q, want the upstream's response as sent", v)
	}
}

func TestForwardedHeaders(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		sent    string // forwarding headers the client sends
		xff     string // X-Forwarded-For the upstream must see
		proto   string
		host    string
		client  string // Exchange.ClientIP
		scheme  string // Exchange.Scheme
	}{
		{
			name: "direct client", xff: "127.0.0.1", proto: "http", host: "api.example",
			client: "127.0.0.1", scheme: "http",
		},
		{
			name: "untrusted peer cannot spoof", sent: "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n",
			xff: "203.0.113.9, 127.0.0.1", proto: "http", host: "api.example",
			client: "127.0.0.1", scheme: "http",
		},
		{
			name: "trusted load balancer", trusted: loopback,
			sent: "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\n",
			xff:  "203.0.113.9, 127.0.0.1", proto: "https", host: "shop.example",
			client: "203.0.113.9", scheme: "https",
		},
		{
			name: "trusted chain with repeated headers", trusted: append([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, loopback...),
			sent: "X-Forwarded-For: 198.51.100.1, 203.0.113.9\r\nX-Forwarded-For: 10.1.2.3\r\n",
			xff:  "198.51.100.1, 203.0.113.9, 10.1.2.3, 127.0.0.1", proto: "http", host: "api.example",
			client: "203.0.113.9", scheme: "http",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(chan seenRequest, 1)
			h := newHarness(t, httptest.NewServer(recordingHandler(seen, func(http.ResponseWriter) {})), Options{TrustForwarded: tt.trusted})
			rawRoundTrip(t, h.url, "GET / HTTP/1.1\r\nHost: api.example\r\n"+tt.sent+"\r\n")
			got := <-seen
			if v := strings.Join(got.header.Values("X-Forwarded-For"), ", "); v != tt.xff {
				t.Errorf("upstream X-Forwarded-For = %q, want %q", v, tt.xff)
			}
			if v := got.header.Get("X-Forwarded-Proto"); v != tt.proto {
				t.Errorf("upstream X-Forwarded-Proto = %q, want %q", v, tt.proto)
			}
			if v := got.header.Get("X-Forwarded-Host"); v != tt.host {
				t.Errorf("upstream X-Forwarded-Host = %q, want %q", v, tt.host)
			}
			x := h.next(t)
			if x.ClientIP != tt.client || x.Scheme != tt.scheme {
				t.Errorf("exchange client %q scheme %q, want %q and %q", x.ClientIP, x.Scheme, tt.client, tt.scheme)
			}
		})
	}
}

func TestConnectionOptions(t *testing.T) {
	c := connectionOptions{"keep-alive, X-Foo", " x-bar ,"}
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"X-Foo", false}, {"x-foo", false}, {"X-Bar", false}, {"Keep-Alive", false}, {"X-Baz", true}, {"Content-Type", true}, {"Te", false},
	} {
		if got := c.forwardable(tt.name); got != tt.want {
			t.Errorf("forwardable(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
