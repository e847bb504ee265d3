package capture

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// handshake sends a CONNECT to addr through the proxy, then a TLS
// handshake with conf inside it, and returns the handshake's error and
// the certificate the proxy presented, if any.
func (h *forwardHarness) handshake(t *testing.T, addr string, conf *tls.Config) (*x509.Certificate, error) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(h.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", addr, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: "CONNECT"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT %s: %v, %v", addr, resp, err)
	}
	var presented *x509.Certificate
	conf = conf.Clone()
	conf.VerifyConnection = func(cs tls.ConnectionState) error {
		presented = cs.PeerCertificates[0]
		return nil
	}
	err = tls.Client(c, conf).Handshake()
	return presented, err
}

// refusalsOf is how many refused interceptions are counted for host.
func (h *forwardHarness) refusalsOf(host string) int {
	r := &h.proxy.fwd.refusals
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[host]
}

// TestMitmMintsForTheConnectHost checks that the certificate names the
// CONNECT's host whatever the hello asks for: a hello naming another host
// is refused, without counting as the client refusing spoor (the host is
// still intercepted), and one naming the host in another case is served.
func TestMitmMintsForTheConnectHost(t *testing.T) {
	h := newForwardHarness(t, nil)
	port := h.in.URL[strings.LastIndexByte(h.in.URL, ':')+1:]
	spoorCA := x509.NewCertPool()
	spoorCA.AddCert(h.proxy.fwd.ca.Certificate())

	if cert, err := h.handshake(t, "localhost:"+port, &tls.Config{RootCAs: spoorCA, ServerName: "evil.example"}); err == nil || cert != nil {
		t.Errorf("a hello for evil.example in a CONNECT to localhost: %v, presented %v; want refused", err, cert)
	}
	cert, err := h.handshake(t, "localhost:"+port, &tls.Config{RootCAs: spoorCA, ServerName: "LocalHost"})
	if err != nil || cert == nil || fmt.Sprint(cert.DNSNames) != "[localhost]" {
		t.Fatalf("a hello for LocalHost in a CONNECT to localhost: %v, presented %v", err, cert)
	}
	if h.refusalsOf("localhost") != 0 || h.proxy.fwd.pinned.Has("localhost") {
		t.Errorf("a hello spoor refused counted as the client refusing: %d refusals", h.refusalsOf("localhost"))
	}
}

// TestMitmPinsAfterTwoRefusals checks that one client refusing the minted
// certificate leaves its host intercepted for the others, and that a
// second refusal pins it: the next CONNECT is tunnelled.
func TestMitmPinsAfterTwoRefusals(t *testing.T) {
	h := newForwardHarness(t, nil)
	addr := strings.TrimPrefix(h.in.URL, "https://")
	refuse := &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "127.0.0.1"}

	if _, err := h.handshake(t, addr, refuse); err == nil {
		t.Fatal("a client without spoor's CA completed the handshake")
	}
	waitFor(t, func() bool { return h.refusalsOf("127.0.0.1") == 1 })
	if h.proxy.fwd.pinned.Has("127.0.0.1") {
		t.Fatal("one refusal pinned the host")
	}
	if status, body := get(t, h.client, "GET", h.in.URL+"/still", ""); status != 200 || body != "GET /still " {
		t.Fatalf("intercepted GET after one refusal: %d %q", status, body)
	}
	if x := h.next(t); x.Path != "/still" {
		t.Errorf("recorded %s, want /still", x.Path)
	}

	if _, err := h.handshake(t, addr, refuse); err == nil {
		t.Fatal("a client without spoor's CA completed the handshake")
	}
	waitFor(t, func() bool { return h.proxy.fwd.pinned.Has("127.0.0.1") })
	if h.refusalsOf("127.0.0.1") != 0 {
		t.Error("a pinned host's refusals are still counted")
	}
	// Only the origin's own certificate passes h.direct: the tunnel.
	if status, body := get(t, h.direct, "GET", h.in.URL+"/pinned", ""); status != 200 || body != "GET /pinned " {
		t.Errorf("GET to the pinned host: %d %q; want tunnelled", status, body)
	}
}

// TestMitmRefusalsBounded checks that the hosts counted once stay under the
// bound, and that a host's second refusal still pins it.
func TestMitmRefusalsBounded(t *testing.T) {
	var r refusals
	for i := range maxRefusingHosts + 10 {
		if r.count(fmt.Sprintf("h%d.example.com", i)) {
			t.Fatalf("host %d pinned on its first refusal", i)
		}
	}
	if len(r.n) > maxRefusingHosts {
		t.Errorf("%d hosts counted, over the bound of %d", len(r.n), maxRefusingHosts)
	}
	last := fmt.Sprintf("H%d.example.com", maxRefusingHosts+9)
	if !r.count(last) {
		t.Errorf("the second refusal of %s did not pin it", last)
	}
}
