package capture

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// fakeClock returns a clock that starts at start and advances by step on
// every reading.
func fakeClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now
		now = now.Add(step)
		return t
	}
}

func TestExchangeRecordsRequestAndResponse(t *testing.T) {
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, httptest.NewServer(apiHandler()), Options{Clock: fakeClock(start, 10*time.Millisecond)})

	req, _ := http.NewRequest("POST", h.url+"/echo?q=caf%C3%A9&debug", strings.NewReader(`{"user":"ann"}`))
	req.Host = "shop.example"
	req.Header.Set("Authorization", "Bearer eyJhbGciOi")
	req.Header.Set("Cookie", "sid=s3cr3t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	x := h.next(t)
	if !x.Start.Equal(start) || x.Duration != 10*time.Millisecond {
		t.Errorf("start %v duration %v, want %v and one clock step", x.Start, x.Duration, start)
	}
	want := engine.Exchange{
		Start: x.Start, Duration: x.Duration, ClientIP: "127.0.0.1", Method: "POST", Scheme: "http",
		Host: "shop.example", Path: "/echo", Query: "q=caf%C3%A9&debug", Status: http.StatusOK,
	}
	got := *x
	got.ReqHeaders, got.RespHeaders, got.ReqBody, got.RespBody = nil, nil, engine.Body{}, engine.Body{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exchange\n got %+v\nwant %+v", got, want)
	}
	for name, value := range map[string]string{"Authorization": "Bearer eyJhbGciOi", "Cookie": "sid=s3cr3t", "Host": "shop.example", "User-Agent": "Go-http-client/1.1"} {
		if v := x.ReqHeader(name); v != value {
			t.Errorf("request header %s = %q, want %q", name, v, value)
		}
	}
	var cookies []string
	for _, hd := range x.RespHeaders {
		if hd.Name == "Set-Cookie" {
			cookies = append(cookies, hd.Value)
		}
	}
	if want := []string{"session=abc; Path=/; HttpOnly", "theme=dark; Path=/"}; !slices.Equal(cookies, want) {
		t.Errorf("Set-Cookie headers %q, want %q", cookies, want)
	}
	if x.RespHeader("Date") == "" || x.RespHeader("Content-Length") == "" {
		t.Errorf("response headers %v lack the upstream's Date or Content-Length", x.RespHeaders)
	}
	if string(x.ReqBody.Data) != `{"user":"ann"}` || x.ReqBody.Size != 14 || x.ReqBody.Truncated {
		t.Errorf("request body %+v", x.ReqBody)
	}
	if !bytes.Equal(x.RespBody.Data, body) || x.RespBody.Size != int64(len(body)) || x.RespBody.Truncated {
		t.Errorf("response body %q, want %q as the client got it", x.RespBody.Data, body)
	}
}

func TestCaptureLimit(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name     string
		method   string
		path     string
		body     io.Reader
		wantReq  int64
		wantResp int64
	}{
		{name: "big response", method: "GET", path: "/big", wantResp: int64(len(bigBody))},
		{name: "big request", method: "POST", path: "/echo", body: bytes.NewReader(bigBody), wantReq: int64(len(bigBody)), wantResp: -1},
		// A reader of unknown length is sent chunked.
		{name: "big chunked request", method: "POST", path: "/echo", body: io.MultiReader(bytes.NewReader(bigBody)), wantReq: int64(len(bigBody)), wantResp: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, httptest.NewServer(apiHandler()), Options{CaptureLimit: limit})
			req, _ := http.NewRequest(tt.method, h.url+tt.path, tt.body)
			resp, err := client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.wantResp > 0 && !bytes.Equal(got, bigBody) {
				t.Fatalf("client got %d bytes, want the whole %d", len(got), len(bigBody))
			}
			if tt.wantReq > 0 && !strings.HasPrefix(string(got), "POST /echo len=5242880 ") {
				t.Fatalf("upstream saw %q, want the whole request body", got)
			}

			x := h.next(t)
			checkBody(t, "request", x.ReqBody, tt.wantReq, limit)
			if tt.wantResp > 0 {
				checkBody(t, "response", x.RespBody, tt.wantResp, limit)
			}
		})
	}
}

// checkBody checks that a captured body counts size bytes and keeps the
// first limit of them.
func checkBody(t *testing.T, side string, b engine.Body, size int64, limit int) {
	t.Helper()
	if size == 0 {
		if b.Size != 0 || len(b.Data) != 0 {
			t.Errorf("%s body = %d bytes captured of %d, want none", side, len(b.Data), b.Size)
		}
		return
	}
	if b.Size != size || len(b.Data) != limit || !b.Truncated {
		t.Errorf("%s body: size %d, %d bytes kept, truncated %v; want %d, %d, true", side, b.Size, len(b.Data), b.Truncated, size, limit)
	}
	if !bytes.Equal(b.Data, bigBody[:min(limit, len(b.Data))]) {
		t.Errorf("%s body keeps %q, want the start of the body", side, head(b.Data))
	}
}

func TestCompressedResponseIsCapturedAsSent(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"token":"abc"}`)
	zw.Close()
	h := newHarness(t, httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})), Options{})

	req, _ := http.NewRequest("GET", h.url+"/login", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, gz.Bytes()) || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("client got %q with Content-Encoding %q, want the gzip body untouched", got, resp.Header.Get("Content-Encoding"))
	}
	x := h.next(t)
	if !bytes.Equal(x.RespBody.Data, gz.Bytes()) || x.RespHeader("Content-Encoding") != "gzip" {
		t.Errorf("exchange keeps %q with Content-Encoding %q, want the gzip body as sent", x.RespBody.Data, x.RespHeader("Content-Encoding"))
	}
}
