package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
// and returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "spoor test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestProxyTLSListener runs the real binary with --tls-cert and --tls-key
// made in the test: a client that trusts the certificate is served over
// HTTPS, the exchange is stored with the https scheme, a plain-HTTP
// request on the same port gets no answer that passes for one, and the
// store passes its checks.
func TestProxyTLSListener(t *testing.T) {
	up := newCountingUpstream(t)
	certFile, keyFile, pool := selfSigned(t)
	p := startHardenedProxy(t, up.URL, "--tls-cert", certFile, "--tls-key", keyFile)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for i := range 3 {
		resp, err := client.Post(fmt.Sprintf("https://%s/secure/%d", p.addr, i), "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf(`{"path":"/secure/%d","body_bytes":5}`, i); resp.StatusCode != http.StatusOK || string(body) != want {
			t.Errorf("HTTPS POST: %d %s, want 200 %s", resp.StatusCode, body, want)
		}
	}
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + p.addr + "/plain"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("a plain-HTTP request to the TLS listener was proxied")
		}
	}
	xs := p.stop(t)
	if n := up.count("/plain"); n != 0 {
		t.Errorf("the upstream saw the plain-HTTP request %d times", n)
	}
	for i := range 3 {
		got := findPath(xs, fmt.Sprintf("/secure/%d", i))
		if len(got) != 1 || got[0].Scheme != "https" || string(got[0].ReqBody.Data) != "hello" {
			t.Errorf("/secure/%d stored as %+v, want once, https, with its body", i, got)
		}
	}
}

// TestProxyTLSFlagsRefused checks that unusable TLS flags stop the proxy
// before it serves, with one line and a non-zero exit.
func TestProxyTLSFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	certFile, _, _ := selfSigned(t)
	for _, args := range [][]string{
		{"--tls-cert", junk, "--tls-key", junk},
		{"--tls-cert", certFile},
		{"--upstream-ca", junk},
		{"--upstream-ca", certFile, "--upstream-insecure-skip-verify"},
	} {
		all := append([]string{"proxy", "--no-tui", "--for", "5s", "--upstream", "https://127.0.0.1:1", "--listen", freePort(t), "--db", filepath.Join(dir, "t.db")}, args...)
		_, stderr, code := spoor(t, 30*time.Second, all...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code == 0 || len(lines) != 1 || !strings.Contains(lines[0], "--") {
			t.Errorf("spoor %s: exit %d, stderr %q; want one line naming the flag and a non-zero exit", strings.Join(args, " "), code, stderr)
		}
	}
}

// TestProxyHTTPSUpstream puts the real binary in front of an HTTPS
// upstream whose certificate no system root signs: by default the
// certificate is verified and the request answered 502 with the reason;
// --upstream-ca with the upstream's certificate, or
// --upstream-insecure-skip-verify, gets it through. Each store passes its
// checks.
func TestProxyHTTPSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"path":%q,"tls":%v}`, r.URL.Path, r.TLS != nil)
	}))
	defer up.Close()
	caFile := filepath.Join(t.TempDir(), "upstream.pem")
	writePEM(t, caFile, "CERTIFICATE", up.Certificate().Raw)

	for _, tt := range []struct {
		name   string
		flags  []string
		status int
	}{
		{"verified by default", nil, http.StatusBadGateway},
		{"trusted CA", []string{"--upstream-ca", caFile}, http.StatusOK},
		{"verification off", []string{"--upstream-insecure-skip-verify"}, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := startHardenedProxy(t, up.URL, tt.flags...)
			resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + p.addr + "/over-tls")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tt.status)
			}
			if tt.status == http.StatusOK && string(body) != `{"path":"/over-tls","tls":true}` {
				t.Errorf("upstream answered %s", body)
			}
			xs := p.stop(t)
			if len(xs) != 1 || xs[0].Status != tt.status {
				t.Fatalf("stored %+v, want one exchange with %d", xs, tt.status)
			}
			if tt.status == http.StatusBadGateway && !strings.Contains(xs[0].Error, "certificate") {
				t.Errorf("502 stored with error %q, want the certificate named", xs[0].Error)
			}
		})
	}
}
