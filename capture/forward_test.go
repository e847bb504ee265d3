package capture

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// apiHandler is the upstream most tests proxy to. Its routes cover the
// shapes of response a proxy gets wrong: repeated headers, no body, bodies
// bigger than the capture limit, chunked streaming and encoded bodies.
func apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Add("Set-Cookie", "session=abc; Path=/; HttpOnly")
		w.Header().Add("Set-Cookie", "theme=dark; Path=/")
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s %s len=%d sha=%x", r.Method, r.RequestURI, len(body), sha256.Sum256(body))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(bigBody)))
		w.Write(bigBody)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		f := w.(http.Flusher)
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 5 {
			fmt.Fprintf(w, "data: event %d\n\n", i)
			f.Flush()
		}
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/cached", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "fresh")
	})
	return mux
}

// bigBody is 5 MB of a repeating pattern, far over the capture limit.
var bigBody = bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)

func TestProxyIsTransparent(t *testing.T) {
	h := newHarness(t, httptest.NewServer(apiHandler()), Options{})
	direct := h.upstream.URL
	tests := []struct {
		name   string
		method string
		path   string
		header http.Header
		body   []byte
	}{
		{name: "get with query", method: "GET", path: "/echo?q=a%20b&x=1&x=2"},
		{name: "post", method: "POST", path: "/echo", body: []byte(`{"user":"ann"}`)},
		{name: "put", method: "PUT", path: "/echo", body: []byte("put body")},
		{name: "patch", method: "PATCH", path: "/echo", body: []byte("patch body")},
		{name: "delete", method: "DELETE", path: "/echo"},
		{name: "options", method: "OPTIONS", path: "/echo"},
		{name: "head", method: "HEAD", path: "/big"},
		{name: "big request", method: "POST", path: "/echo", body: bigBody},
		{name: "big response", method: "GET", path: "/big"},
		{name: "chunked response", method: "GET", path: "/chunked"},
		{name: "no content", method: "GET", path: "/empty"},
		{name: "not modified", method: "GET", path: "/cached", header: http.Header{"If-None-Match": {`"v1"`}}},
		{name: "not found", method: "GET", path: "/nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := do(t, tt.method, direct+tt.path, tt.header, tt.body)
			got := do(t, tt.method, h.url+tt.path, tt.header, tt.body)
			if got.status != want.status {
				t.Errorf("status = %d, want %d", got.status, want.status)
			}
			if !slices.Equal(got.transfer, want.transfer) {
				t.Errorf("transfer encoding = %q, want %q", got.transfer, want.transfer)
			}
			if got.length != want.length {
				t.Errorf("content length = %d, want %d", got.length, want.length)
			}
			for name, values := range want.header {
				if name == "Date" {
					continue
				}
				if !slices.Equal(got.header[name], values) {
					t.Errorf("header %s = %q, want %q", name, got.header[name], values)
				}
			}
			for name := range got.header {
				if _, ok := want.header[name]; !ok {
					t.Errorf("extra header %s: %q", name, got.header[name])
				}
			}
			if got.sum != want.sum {
				t.Errorf("body differs: got %d bytes %q..., want %d bytes %q...", len(got.body), head(got.body), len(want.body), head(want.body))
			}
		})
	}
}

// response is what a client saw of one response.
type response struct {
	status   int
	header   http.Header
	transfer []string
	length   int64
	body     []byte
	sum      [32]byte
}

// do sends one request with net/http and reads the whole response.
func do(t *testing.T, method, url string, header http.Header, body []byte) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, transfer: resp.TransferEncoding, length: resp.ContentLength, body: got, sum: sha256.Sum256(got)}
}

// head is the start of b, for messages.
func head(b []byte) string {
	return strings.ToValidUTF8(string(b[:min(len(b), 40)]), "?")
}
