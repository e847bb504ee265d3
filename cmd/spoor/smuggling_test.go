package main

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestProxyRefusesSmuggling sends the request-smuggling shapes as raw bytes
// to the real binary, detection on: each is answered 400 whether fasthttp
// or spoor's own check refuses it, the upstream never sees it, and it is
// stored as an exchange tagged protocol by spoor-smuggling. A plain chunked
// request still gets through, the proxy serves afterwards and the store
// passes its checks.
func TestProxyRefusesSmuggling(t *testing.T) {
	up := newCountingUpstream(t)
	p := startProxyArgs(t, up.URL)
	shapes := []struct{ name, req string }{
		{"cl-te", "POST /cl-te HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"},
		{"te-cl", "POST /te-cl HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"},
		{"conflicting content-length", "POST /cl-cl HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"},
		{"duplicate content-length", "POST /cl-same HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"},
		{"xchunked", "POST /te-xchunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"},
		{"padded chunked", "POST /te-space HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  chunked\r\n\r\n0\r\n\r\n"},
		{"tab chunked", "POST /te-tab HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n"},
		{"space before colon", "POST /te-name HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"},
		{"folded", "POST /te-fold HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x\r\n chunked\r\n\r\n0\r\n\r\n"},
		{"two transfer-encodings", "POST /te-te HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"},
		{"chunked, identity", "POST /te-list HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"},
	}
	paths := make([]string, 0, len(shapes))
	for _, s := range shapes {
		path := strings.Fields(s.req)[1]
		paths = append(paths, path)
		t.Run(s.name, func(t *testing.T) {
			if resp := raw(t, p.addr, s.req); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	}
	chunked := "POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	if resp := raw(t, p.addr, chunked); resp.StatusCode != http.StatusOK {
		t.Errorf("plain chunked request: status %d, want 200", resp.StatusCode)
	}
	p.serving(t, "/after")

	xs := p.stop(t)
	for _, path := range paths {
		if n := up.count(path); n != 0 {
			t.Errorf("the upstream saw %s %d times, want never", path, n)
		}
		got := findPath(xs, path)
		if len(got) != 1 {
			t.Errorf("%d exchanges for %s stored, want 1", len(got), path)
			continue
		}
		x := got[0]
		if x.Status != http.StatusBadRequest || !strings.Contains(x.Error, "ambiguous request framing") {
			t.Errorf("%s stored as %d %q, want 400 and the reason", path, x.Status, x.Error)
		}
		if !hasTag(x, engine.AttackProtocol, "spoor-smuggling") {
			t.Errorf("%s stored with tags %+v, want protocol by spoor-smuggling", path, x.Attacks)
		}
	}
	for _, path := range []string{"/chunked", "/after"} {
		got := findPath(xs, path)
		if len(got) != 1 || got[0].Status != http.StatusOK || hasTag(got[0], engine.AttackProtocol, "spoor-smuggling") {
			t.Errorf("%s stored as %+v, want once, 200 and untagged", path, got)
		}
	}
	if up.count("/chunked") != 1 {
		t.Errorf("the upstream saw /chunked %d times, want once", up.count("/chunked"))
	}

	out, err := exec.Command(spoorBin, "detectors").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "spoor-smuggling") {
		t.Errorf("spoor detectors does not list spoor-smuggling:\n%s", out)
	}
}

func hasTag(x engine.Exchange, typ, rule string) bool {
	for _, a := range x.Attacks {
		if a.Type == typ && a.Rule == rule {
			return true
		}
	}
	return false
}
