package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// raiseOpenFiles raises the soft limit on open files to at least n, within
// the hard limit, for this process and the proxies it starts, which
// inherit it.
func raiseOpenFiles(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		t.Fatalf("the hard limit on open files is %d, under the %d this test needs", lim.Max, n)
	}
	old := lim.Cur
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		lim.Cur = old
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	})
}

// TestProxyThousandKeepAliveConnections opens 1,000 connections to the
// real binary and keeps them all open while each sends three requests, one
// after the other, on its connection: every request is answered by the
// upstream, on the connection it came on, and stored; the proxy serves
// afterwards and the store passes its checks. The bound is generous (two
// minutes per connection, under -race on two shared cores); nothing is
// timed.
func TestProxyThousandKeepAliveConnections(t *testing.T) {
	const conns, rounds = 1000, 3
	// This process holds the client ends and the upstream's ends, the
	// proxy both of its own: a little over 2,000 descriptors each.
	raiseOpenFiles(t, 8192)
	up := newCountingUpstream(t)
	p := startHardenedProxy(t, up.URL)

	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	clients := make([]client, conns)
	for i := range clients {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		clients[i] = client{c: c, br: bufio.NewReader(c)}
	}

	errs := make(chan error, conns)
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				path := fmt.Sprintf("/conn/%d/%d", i, r)
				if _, err := fmt.Fprintf(cl.c, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", path); err != nil {
					errs <- fmt.Errorf("%s: write: %w", path, err)
					return
				}
				resp, err := http.ReadResponse(cl.br, nil)
				if err != nil {
					errs <- fmt.Errorf("%s: read: %w", path, err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf(`{"path":%q,"body_bytes":0}`, path); err != nil || resp.StatusCode != http.StatusOK || string(body) != want {
					errs <- fmt.Errorf("%s: %d %s (%v), want 200 %s", path, resp.StatusCode, body, err, want)
					return
				}
				if resp.Close {
					errs <- fmt.Errorf("%s: the proxy closed a keep-alive connection", path)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed++; failed <= 5 {
			t.Error(err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d connections failed", failed, conns)
	}
	p.serving(t, "/after-thousand")

	xs := p.stop(t)
	stored := map[string]int{}
	for _, x := range xs {
		stored[x.Path]++
	}
	missing := 0
	for i := range conns {
		for r := range rounds {
			if stored[fmt.Sprintf("/conn/%d/%d", i, r)] != 1 {
				missing++
			}
		}
	}
	if missing > 0 || len(xs) != conns*rounds+1 {
		t.Errorf("%d exchanges stored, %d requests not stored exactly once; want %d, each once", len(xs), missing, conns*rounds+1)
	}
}
