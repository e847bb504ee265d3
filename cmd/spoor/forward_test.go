package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// testCA is a CA the test makes to issue its origins' certificates.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string // the certificate as PEM
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name+".pem")
	writePEM(t, file, "CERTIFICATE", der)
	return &testCA{cert: cert, key: key, file: file}
}

// origin starts an HTTPS server for localhost and 127.0.0.1 with a
// certificate the CA issues. It answers with what it received.
func (ca *testCA) origin(t *testing.T) *httptest.Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(echoHandler())
	// The handshakes clients refuse on purpose are no news.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// echoHandler answers with the host, path, body and protocol it received.
func echoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"host":%q,"path":%q,"body":%q,"proto":%q}`, r.Host, r.URL.Path, body, r.Proto)
	})
}

// forwardProxy is spoor proxy --mode forward on loopback, with its data
// directory (and so its CA) in a temporary directory.
type forwardProxy struct {
	*hardenedProxy
	data string
}

func startForwardProxy(t *testing.T, extra ...string) *forwardProxy {
	t.Helper()
	p := &forwardProxy{hardenedProxy: &hardenedProxy{addr: freePort(t), db: filepath.Join(t.TempDir(), "fwd.db")}, data: t.TempDir()}
	args := append([]string{"proxy", "--mode", "forward", "--no-tui", "--no-detect", "--listen", p.addr, "--db", p.db}, extra...)
	p.cmd = exec.Command(spoorBin, args...)
	p.cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+p.data)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	waitListening(t, p.addr)
	return p
}

// caFile is the CA certificate the proxy made, as spoor ca prints it.
func (p *forwardProxy) caFile(t *testing.T) string {
	t.Helper()
	out := p.spoorCA(t)
	first, _, _ := strings.Cut(out, "\n")
	if _, err := os.Stat(first); err != nil {
		t.Fatalf("spoor ca's first line %q is not the certificate: %v", first, err)
	}
	return first
}

// spoorCA runs spoor ca with the proxy's data directory.
func (p *forwardProxy) spoorCA(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(spoorBin, append([]string{"ca"}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+p.data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spoor ca: %v: %s", err, stderr.String())
	}
	return string(out)
}

// curl runs curl through the proxy and returns its output and exit code.
func (p *forwardProxy) curl(t *testing.T, args ...string) (string, int) {
	t.Helper()
	args = append([]string{"-sS", "--max-time", "10", "--proxy", "http://" + p.addr}, args...)
	cmd := exec.Command("curl", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("curl: %v", err)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// stopForward ends the proxy as a user does and returns what it stored.
func (p *forwardProxy) stop(t *testing.T) []engine.Exchange {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("spoor exited with %v; stderr: %s", err, p.stderr.String())
	}
	storedCount(t, p.db) // the store's checks
	xs, _, _ := storedExchanges(t, p.db)
	return xs
}

// TestForwardProxyCurl runs the real binary as a forward proxy for real
// curl with --include-host localhost: an HTTPS POST to a local origin is
// intercepted with spoor's CA (curl trusts only that CA) and stored with
// both bodies; a plain-HTTP absolute-form request is stored with its host
// and query; 127.0.0.1, out of scope, is tunnelled (curl trusting only the
// origin's own CA succeeds) or forwarded, and not stored; an origin whose
// certificate spoor does not trust gets the client a 502 that says so,
// stored; a host whose client refuses spoor's certificate twice is pinned,
// tunnelled from then on, and listed by spoor ca.
func TestForwardProxyCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is needed (apt-get install curl)")
	}
	trusted, untrusted := newTestCA(t, "trusted"), newTestCA(t, "untrusted")
	good, bad := trusted.origin(t), untrusted.origin(t)
	plain := httptest.NewServer(echoHandler())
	t.Cleanup(plain.Close)
	goodPort, badPort, plainPort := port(t, good.URL), port(t, bad.URL), port(t, plain.URL)

	p := startForwardProxy(t, "--include-host", "localhost", "--upstream-ca", trusted.file)
	ca := p.caFile(t)
	if fi, err := os.Stat(filepath.Join(filepath.Dir(ca), "spoor-ca-key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("CA key: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	out, code := p.curl(t, "--cacert", ca, "-d", "secret=1", "https://localhost:"+goodPort+"/intercepted?q=2")
	if code != 0 || !strings.Contains(out, `"path":"/intercepted","body":"secret=1","proto":"HTTP/1.1"`) {
		t.Errorf("intercepted HTTPS POST: exit %d, %s", code, out)
	}
	out, code = p.curl(t, "http://localhost:"+plainPort+"/plain?x=1")
	if code != 0 || !strings.Contains(out, `"path":"/plain"`) {
		t.Errorf("plain-HTTP absolute-form GET: exit %d, %s", code, out)
	}
	// Only the origin's own certificate passes --cacert trusted.file, so
	// success shows the tunnel was not intercepted.
	out, code = p.curl(t, "--cacert", trusted.file, "https://127.0.0.1:"+goodPort+"/tunnelled")
	if code != 0 || !strings.Contains(out, `"path":"/tunnelled"`) {
		t.Errorf("out-of-scope HTTPS: exit %d, %s; want tunnelled to the origin's certificate", code, out)
	}
	out, code = p.curl(t, "http://127.0.0.1:"+plainPort+"/forwarded")
	if code != 0 || !strings.Contains(out, `"path":"/forwarded"`) {
		t.Errorf("out-of-scope plain HTTP: exit %d, %s", code, out)
	}
	out, code = p.curl(t, "--cacert", ca, "-w", "\n%{http_code}", "https://localhost:"+badPort+"/badcert")
	if code != 0 || !strings.HasSuffix(out, "\n502") || !strings.Contains(out, "presented a certificate spoor does not trust") || !strings.Contains(out, "signed by unknown authority") {
		t.Errorf("origin with an untrusted certificate: exit %d, %q; want a 502 that says why", code, out)
	}
	// A client that does not trust spoor's CA refuses the certificate, as
	// a pinning app does: after the second refusal the host is tunnelled
	// from then on.
	for i := range 2 {
		if out, code = p.curl(t, "https://localhost:"+goodPort+"/refused"); code == 0 {
			t.Errorf("refusal %d: a client without spoor's CA was served: %s", i+1, out)
		}
	}
	waitFor(t, 5*time.Second, func() bool { return strings.Contains(p.spoorCA(t), "\n  localhost\n") })
	out, code = p.curl(t, "--cacert", trusted.file, "https://localhost:"+goodPort+"/pinned")
	if code != 0 || !strings.Contains(out, `"path":"/pinned"`) {
		t.Errorf("pinned host: exit %d, %s; want tunnelled to the origin's certificate", code, out)
	}

	xs := p.stop(t)
	byPath := map[string]engine.Exchange{}
	for _, x := range xs {
		byPath[x.Path] = x
	}
	if len(xs) != 3 {
		var paths []string
		for _, x := range xs {
			paths = append(paths, x.Scheme+"://"+x.Host+x.Path)
		}
		t.Errorf("stored %v; want /intercepted, /plain and /badcert only", paths)
	}
	if x, ok := byPath["/intercepted"]; !ok || x.Scheme != "https" || x.Host != "localhost:"+goodPort || x.Query != "q=2" || x.Status != 200 ||
		string(x.ReqBody.Data) != "secret=1" || !strings.Contains(string(x.RespBody.Data), `"body":"secret=1"`) {
		t.Errorf("/intercepted stored as %+v; want https, its host, query, status and both bodies", x)
	}
	if x, ok := byPath["/plain"]; !ok || x.Scheme != "http" || x.Host != "localhost:"+plainPort || x.Query != "x=1" || x.Status != 200 {
		t.Errorf("/plain stored as %+v; want http, its host and query", x)
	}
	if x, ok := byPath["/badcert"]; !ok || x.Status != 502 || !strings.Contains(x.Error, "signed by unknown authority") {
		t.Errorf("/badcert stored as %+v; want a 502 with the reason", x)
	}
	if out := p.spoorCA(t, "--forget-pinned"); !strings.HasPrefix(out, ca+"\n") || !strings.Contains(out, "Pinned hosts (tunnelled untouched because their client refused the CA): none") {
		t.Errorf("spoor ca --forget-pinned printed %q", out)
	}
}

func port(t *testing.T, rawURL string) string {
	t.Helper()
	i := strings.LastIndexByte(rawURL, ':')
	if i < 0 {
		t.Fatalf("no port in %s", rawURL)
	}
	return rawURL[i+1:]
}

// TestForwardProxyFlags checks that flags that do not fit the mode are
// refused with one line and the usage exit code, before anything runs.
func TestForwardProxyFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"proxy", "--mode", "forward", "--upstream", "http://127.0.0.1:9"}, "--upstream is for --mode reverse"},
		{[]string{"proxy", "--mode", "sideways"}, `invalid --mode "sideways"`},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:9", "--include-host", "a"}, "--include-host is for --mode forward"},
		{[]string{"proxy", "--mode", "forward", "--tls-cert", "a", "--tls-key", "b"}, "--tls-cert and --tls-key are for --mode reverse"},
	} {
		_, stderr, code := spoor(t, 10*time.Second, append(tc.args, "--no-tui", "--db", filepath.Join(t.TempDir(), "x.db"))...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want %d and one line with %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// TestProxyNodeFlags checks that a capture node without a store (--publish
// without --db) refuses the flags it would ignore, with one line and the
// usage exit code, before it connects to NATS.
func TestProxyNodeFlags(t *testing.T) {
	dir := t.TempDir()
	node := func(extra ...string) []string {
		return append([]string{"proxy", "--no-tui", "--publish", "nats://127.0.0.1:9"}, extra...)
	}
	reverse := func(extra ...string) []string {
		return node(append([]string{"--upstream", "http://127.0.0.1:9"}, extra...)...)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{node("--mode", "forward"), "--mode forward needs --db"},
		{node("--mode", "forward", "--include-host", "api.example.com"), "--mode forward needs --db"},
		{reverse("--rules", filepath.Join(dir, "rules.yaml")), "--rules needs --db"},
		{reverse("--block-local"), "--block-local needs --db"},
		{reverse("--spec", filepath.Join(dir, "api.yaml")), "--spec needs --db"},
		{reverse("--config", filepath.Join(dir, "spoor.yaml")), "--config needs --db"},
	} {
		_, stderr, code := spoor(t, 10*time.Second, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "(a node without a store") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want %d and one line with %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}
