package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingUpstream answers every request with its path and the number of
// body bytes it read, and counts the requests it saw by path.
type countingUpstream struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string]int
}

func newCountingUpstream(t *testing.T) *countingUpstream {
	u := &countingUpstream{seen: map[string]int{}}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen[r.URL.Path]++
		u.mu.Unlock()
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, `{"path":%q,"body_bytes":%d}`, r.URL.Path, n)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *countingUpstream) count(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.seen[path]
}

// TestProxyLimits runs the real binary with --max-header-bytes 4096 and
// --max-body-bytes 100000: a header block over the limit gets a 431 (from
// fasthttp, before the handler) and is recorded, a body
// announced or streamed over it a 413 and the upstream sees neither, while
// a body under it but over the 64 KiB capture limit is proxied whole and
// stored truncated. The proxy serves afterwards and the store passes its
// checks.
func TestProxyLimits(t *testing.T) {
	up := newCountingUpstream(t)
	p := startHardenedProxy(t, up.URL, "--max-header-bytes", "4096", "--max-body-bytes", "100000")

	t.Run("header block over the limit", func(t *testing.T) {
		req := "GET /big-header HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 6<<10) + "\r\n\r\n"
		if resp := raw(t, p.addr, req); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
	})
	t.Run("header block under the limit", func(t *testing.T) {
		req := "GET /small-header HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 2<<10) + "\r\n\r\n"
		if resp := raw(t, p.addr, req); resp.StatusCode != http.StatusOK {
			t.Errorf("status %d, want 200", resp.StatusCode)
		}
	})
	t.Run("announced body over the limit", func(t *testing.T) {
		// Only the start of the body is sent: the answer must come from
		// the Content-Length, before the rest arrives.
		if resp := raw(t, p.addr, "POST /too-long HTTP/1.1\r\nHost: a\r\nContent-Length: 200000\r\n\r\n"+strings.Repeat("x", 1000)); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
	t.Run("chunked body over the limit", func(t *testing.T) {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		go func() {
			io.WriteString(c, "POST /too-long-chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
			chunk := fmt.Sprintf("%x\r\n%s\r\n", 10000, strings.Repeat("c", 10000))
			for range 20 {
				if _, err := io.WriteString(c, chunk); err != nil {
					return
				}
			}
			io.WriteString(c, "0\r\n\r\n")
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
	t.Run("body under the limit, over the capture limit", func(t *testing.T) {
		resp, err := http.Post("http://"+p.addr+"/upload", "text/plain", strings.NewReader(strings.Repeat("u", 90000)))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `{"path":"/upload","body_bytes":90000}`; string(got) != want {
			t.Errorf("upstream saw %s, want %s", got, want)
		}
	})
	p.serving(t, "/after")

	xs := p.stop(t)
	for _, path := range []string{"/big-header", "/too-long"} {
		if n := up.count(path); n != 0 {
			t.Errorf("the upstream saw %s %d times, want never", path, n)
		}
	}
	if n := up.count("/too-long-chunked"); n > 1 {
		t.Errorf("the upstream saw /too-long-chunked %d times", n)
	}
	for _, path := range []string{"/too-long", "/too-long-chunked"} {
		got := findPath(xs, path)
		if len(got) != 1 {
			t.Errorf("%d exchanges for %s stored, want 1", len(got), path)
			continue
		}
		if got[0].Status != http.StatusRequestEntityTooLarge || !strings.Contains(got[0].Error, "--max-body-bytes") {
			t.Errorf("%s stored as %d %q, want 413 and the limit", path, got[0].Status, got[0].Error)
		}
	}
	// fasthttp answers the 431 before the handler; the exchange is still
	// recorded from the start of the request it quotes.
	if got := findPath(xs, "/big-header"); len(got) != 1 {
		t.Errorf("%d exchanges for /big-header stored, want 1", len(got))
	} else if x := got[0]; x.Status != http.StatusRequestHeaderFieldsTooLarge || !strings.Contains(x.Error, "--max-header-bytes") || x.Method != "GET" || x.Host != "a" || x.ClientIP != "127.0.0.1" {
		t.Errorf("/big-header stored as %s host %q from %q, %d %q; want GET host a from 127.0.0.1, 431 and the limit", x.Method, x.Host, x.ClientIP, x.Status, x.Error)
	}
	if up := findPath(xs, "/upload"); len(up) == 1 {
		if b := up[0].ReqBody; b.Size != 90000 || !b.Truncated || len(b.Data) != 64<<10 {
			t.Errorf("upload captured as %d of %d bytes, truncated %v; want 64 KiB of 90000, marked truncated", len(b.Data), b.Size, b.Truncated)
		}
	} else {
		t.Errorf("%d exchanges for /upload stored, want 1", len(up))
	}
	for _, path := range []string{"/small-header", "/after"} {
		if got := findPath(xs, path); len(got) != 1 {
			t.Errorf("%d exchanges for %s stored, want 1", len(got), path)
		}
	}
}

// TestProxyLimitsFromConfig runs the real binary with the limits in the
// --config file's proxy block: they apply, a flag overrides the file's
// value, and a bad value stops the proxy with one line naming the file and
// the line.
func TestProxyLimitsFromConfig(t *testing.T) {
	up := newCountingUpstream(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "spoor.yaml")
	if err := os.WriteFile(cfg, []byte("proxy:\n  max_header_bytes: 2KiB\n  max_body_bytes: 1000\n  upstream_timeout: 5s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	header := "GET /header-3k HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", 3<<10) + "\r\n\r\n"
	body := "POST /body-2k HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n" + strings.Repeat("x", 2000)

	t.Run("from the file", func(t *testing.T) {
		p := startHardenedProxy(t, up.URL, "--config", cfg)
		if resp := raw(t, p.addr, header); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("3 KiB of headers under max_header_bytes 2KiB: status %d, want 431", resp.StatusCode)
		}
		if resp := raw(t, p.addr, body); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("2000-byte body under max_body_bytes 1000: status %d, want 413", resp.StatusCode)
		}
		p.serving(t, "/after")
		xs := p.stop(t)
		if got := findPath(xs, "/body-2k"); len(got) != 1 || !strings.Contains(got[0].Error, "limit of 1000 bytes") {
			t.Errorf("/body-2k stored as %+v, want one 413 naming the limit of 1000 bytes", got)
		}
	})
	t.Run("flags override the file", func(t *testing.T) {
		p := startHardenedProxy(t, up.URL, "--config", cfg, "--max-header-bytes", "8192", "--max-body-bytes", "5000")
		if resp := raw(t, p.addr, header); resp.StatusCode != http.StatusOK {
			t.Errorf("3 KiB of headers under --max-header-bytes 8192: status %d, want 200", resp.StatusCode)
		}
		if resp := raw(t, p.addr, body); resp.StatusCode != http.StatusOK {
			t.Errorf("2000-byte body under --max-body-bytes 5000: status %d, want 200", resp.StatusCode)
		}
		p.stop(t)
	})
	t.Run("a bad value", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(bad, []byte("proxy:\n  max_header_bytes: 100\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", up.URL, "--listen", freePort(t), "--db", filepath.Join(dir, "bad.db"), "--config", bad)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("spoor accepted max_header_bytes 100:\n%s", out)
		}
		want := bad + `:2: proxy.max_header_bytes "100" is too small: want at least 1024 bytes`
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) {
			t.Errorf("spoor said:\n%s\nwant one line with %s", out, want)
		}
	})
}
