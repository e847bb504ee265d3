package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// hardenedProxy is a spoor proxy process on loopback in front of upstream.
type hardenedProxy struct {
	addr, db string
	cmd      *exec.Cmd
	stderr   bytes.Buffer
}

// startHardenedProxy starts the proxy with --no-detect and the flags in
// extra.
func startHardenedProxy(t *testing.T, upstream string, extra ...string) *hardenedProxy {
	t.Helper()
	return startProxyArgs(t, upstream, append([]string{"--no-detect"}, extra...)...)
}

// startProxyArgs starts the proxy with exactly the flags in extra besides
// the upstream, the address and the store.
func startProxyArgs(t *testing.T, upstream string, extra ...string) *hardenedProxy {
	t.Helper()
	p := &hardenedProxy{addr: freePort(t), db: filepath.Join(t.TempDir(), "hard.db")}
	args := append([]string{"proxy", "--no-tui", "--upstream", upstream, "--listen", p.addr, "--db", p.db}, extra...)
	p.cmd = exec.Command(spoorBin, args...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	waitListening(t, p.addr)
	return p
}

// stop ends the proxy as a user does and returns what it stored, after the
// store's checks (storedCount runs them).
func (p *hardenedProxy) stop(t *testing.T) []engine.Exchange {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("spoor exited with %v; stderr: %s", err, p.stderr.String())
	}
	n := storedCount(t, p.db)
	xs, _, _ := storedExchanges(t, p.db)
	if len(xs) != n {
		t.Fatalf("the store counts %d exchanges and lists %d", n, len(xs))
	}
	return xs
}

// serving checks that a plain request still gets through.
func (p *hardenedProxy) serving(t *testing.T, path string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + p.addr + path)
	if err != nil {
		t.Fatalf("the proxy stopped serving: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, want 200", path, resp.Status)
	}
}

// raw writes payload on a new connection and returns the first response
// read back, within a bound.
func raw(t *testing.T, addr, payload string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, payload); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response to %q: %v", payload[:min(len(payload), 40)], err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// findPath returns the stored exchanges with a path.
func findPath(xs []engine.Exchange, path string) []engine.Exchange {
	var out []engine.Exchange
	for _, x := range xs {
		if x.Path == path {
			out = append(out, x)
		}
	}
	return out
}

// TestProxyHostileClients runs the real binary on loopback and sends what
// hostile or careless clients send: a malformed request line, a malformed
// header, a header block over the 32 KiB limit, a body over the capture
// limit, slowloris connections, pipelined requests and Expect:
// 100-continue. Each is answered as it should be, the proxy keeps serving
// after each, and the store passes its checks at the end with what was
// proxied recorded.
func TestProxyHostileClients(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, `{"path":%q,"body_bytes":%d}`, r.URL.Path, n)
	}))
	defer upstream.Close()
	p := startHardenedProxy(t, upstream.URL)

	t.Run("malformed request line", func(t *testing.T) {
		if resp := raw(t, p.addr, "THIS IS NOT HTTP\r\n\r\n"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
		p.serving(t, "/after-bad-line")
	})
	t.Run("malformed header", func(t *testing.T) {
		if resp := raw(t, p.addr, "GET /h HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
		p.serving(t, "/after-bad-header")
	})
	t.Run("oversized headers", func(t *testing.T) {
		big := "GET /big-header HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 40<<10) + "\r\n\r\n"
		if resp := raw(t, p.addr, big); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
		p.serving(t, "/after-big-header")
	})
	t.Run("body over the capture limit", func(t *testing.T) {
		body := strings.Repeat("z", 1<<20)
		resp, err := http.Post("http://"+p.addr+"/upload", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `{"path":"/upload","body_bytes":1048576}`; string(got) != want {
			t.Errorf("upstream saw %s, want %s", got, want)
		}
	})
	t.Run("slowloris", func(t *testing.T) {
		// Connections that send half a header block and wait must not
		// keep others from being served.
		for range 50 {
			c, err := net.Dial("tcp", p.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: ")
		}
		for i := range 20 {
			p.serving(t, fmt.Sprintf("/during-slowloris/%d", i))
		}
	})
	t.Run("pipelining", func(t *testing.T) {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /pipe/1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /pipe/2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /pipe/3 HTTP/1.1\r\nHost: a\r\n\r\n")
		br := bufio.NewReader(c)
		for i := 1; i <= 3; i++ {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("response %d: %v", i, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), fmt.Sprintf(`"/pipe/%d"`, i)) {
				t.Errorf("response %d is %s: out of order", i, body)
			}
		}
	})
	t.Run("expect 100-continue", func(t *testing.T) {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "POST /expect HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
		br := bufio.NewReader(c)
		status, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
			t.Fatalf("before the body: %q, %v; want 100 Continue", status, err)
		}
		br.ReadString('\n') // the blank line after the interim response
		io.WriteString(c, "hello")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `{"path":"/expect","body_bytes":5}`; string(body) != want {
			t.Errorf("final response %s, want %s", body, want)
		}
	})

	xs := p.stop(t)
	for _, tt := range []struct {
		path string
		n    int
	}{{"/after-bad-line", 1}, {"/after-bad-header", 1}, {"/after-big-header", 1}, {"/upload", 1}, {"/pipe/1", 1}, {"/pipe/2", 1}, {"/pipe/3", 1}, {"/expect", 1}} {
		if got := findPath(xs, tt.path); len(got) != tt.n {
			t.Errorf("%d exchanges for %s stored, want %d", len(got), tt.path, tt.n)
		}
	}
	if up := findPath(xs, "/upload"); len(up) == 1 {
		if b := up[0].ReqBody; b.Size != 1<<20 || !b.Truncated || len(b.Data) != 64<<10 {
			t.Errorf("upload captured as %d of %d bytes, truncated %v; want 64 KiB of 1 MiB, marked truncated", len(b.Data), b.Size, b.Truncated)
		}
	}
	if ex := findPath(xs, "/expect"); len(ex) == 1 && string(ex[0].ReqBody.Data) != "hello" {
		t.Errorf("expect-continue body captured as %q", ex[0].ReqBody.Data)
	}
	if p2 := findPath(xs, "/pipe/2"); len(p2) == 1 && string(p2[0].ReqBody.Data) != "abc" {
		t.Errorf("pipelined body captured as %q", p2[0].ReqBody.Data)
	}
	during := 0
	for _, x := range xs {
		if strings.HasPrefix(x.Path, "/during-slowloris/") {
			during++
		}
	}
	if during != 20 {
		t.Errorf("%d requests stored during slowloris, want 20", during)
	}
}

// TestProxyFailingUpstream puts the real binary in front of an upstream
// that resets the connection or answers bytes that are not HTTP: the client
// gets a 502, the exchange is recorded with the status and the reason, and
// the proxy goes on serving.
func TestProxyFailingUpstream(t *testing.T) {
	p := startHardenedProxy(t, startBadUpstream(t))
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/reset", "/garbage", "/ok", "/reset", "/ok"} {
		resp, err := client.Get("http://" + p.addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		want := http.StatusBadGateway
		if path == "/ok" {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	xs := p.stop(t)
	if len(xs) != 5 {
		t.Fatalf("%d exchanges stored, want 5", len(xs))
	}
	for _, x := range xs {
		if x.Path == "/ok" {
			if x.Status != 200 || x.Error != "" {
				t.Errorf("/ok stored as %d %q", x.Status, x.Error)
			}
			continue
		}
		if x.Status != http.StatusBadGateway || x.Error == "" {
			t.Errorf("%s stored as %d with error %q, want 502 and the reason", x.Path, x.Status, x.Error)
		}
	}
}

// TestProxyHangingUpstream puts the real binary, with a short
// --upstream-timeout, in front of an upstream that accepts requests to
// /hang and never answers them: the client gets a 504 once the timeout has
// passed, the exchange is recorded with the status and the reason, and
// the proxy goes on serving.
func TestProxyHangingUpstream(t *testing.T) {
	up := startBadUpstream(t)
	p := startHardenedProxy(t, up, "--upstream-timeout", "300ms")
	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/hang", "/ok", "/hang"} {
		resp, err := client.Get("http://" + p.addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := http.StatusGatewayTimeout
		if path == "/ok" {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d %s, want %d", path, resp.StatusCode, body, want)
		}
	}
	p.serving(t, "/ok")
	xs := p.stop(t)
	if got := findPath(xs, "/ok"); len(got) != 2 {
		t.Errorf("%d exchanges for /ok stored, want 2", len(got))
	}
	hung := findPath(xs, "/hang")
	if len(hung) != 2 {
		t.Fatalf("%d exchanges for /hang stored, want 2", len(hung))
	}
	for _, x := range hung {
		if x.Status != http.StatusGatewayTimeout || !strings.Contains(x.Error, "did not answer within 300ms") {
			t.Errorf("/hang stored as %d with error %q, want 504 and the timeout", x.Status, x.Error)
		}
	}
}

// startBadUpstream serves badUpstream on loopback until the test ends and
// returns its URL.
func startBadUpstream(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go badUpstream(c)
		}
	}()
	return "http://" + ln.Addr().String()
}

// badUpstream reads one request and answers by its path: /reset closes the
// connection with a TCP reset, /garbage writes bytes that are not HTTP,
// /hang never answers (until the proxy gives up and closes), anything else
// gets a small 200.
func badUpstream(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		switch req.URL.Path {
		case "/reset":
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			return
		case "/hang":
			io.Copy(io.Discard, c)
			return
		case "/garbage":
			io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n")
			return
		default:
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	}
}
