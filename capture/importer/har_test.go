package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// expectedFlow is the part of mitmproxy's expected parse result that an
// exchange can be compared with.
type expectedFlow struct {
	Request struct {
		Method         string      `json:"method"`
		Scheme         string      `json:"scheme"`
		Host           string      `json:"host"`
		Port           int         `json:"port"`
		Path           string      `json:"path"`
		Headers        [][2]string `json:"headers"`
		ContentLength  int         `json:"contentLength"`
		ContentHash    string      `json:"contentHash"`
		TimestampStart float64     `json:"timestamp_start"`
		TimestampEnd   float64     `json:"timestamp_end"`
	} `json:"request"`
	Response struct {
		StatusCode    int         `json:"status_code"`
		Headers       [][2]string `json:"headers"`
		ContentLength int         `json:"contentLength"`
		ContentHash   string      `json:"contentHash"`
	} `json:"response"`
}

func readExpectedFlows(t *testing.T, path string) []expectedFlow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var flows []expectedFlow
	if err := json.Unmarshal(b, &flows); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return flows
}

// TestHARFixtures imports every HAR file of testdata/har, written in the
// shapes recorders produce (Charles, Chrome with pages and base64 bodies,
// Firefox's HEAD with a Content-Length, Insomnia's empty postData, a JSON
// POST, a byte order mark), and compares each exchange with its expected
// flow, written in mitmproxy's format: method, URL, status, request and
// response headers, bodies (by length and SHA-256), start and end time.
// The same comparison over mitmproxy's own files is cmd/spoor-corpus-check's.
func TestHARFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "har")
	files, _ := filepath.Glob(filepath.Join(dir, "*.har"))
	if len(files) != 6 {
		t.Fatalf("found %d HAR files in %s, want 6", len(files), dir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".har")
		t.Run(name, func(t *testing.T) {
			want := readExpectedFlows(t, filepath.Join(dir, name+".expected-flows.json"))
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var got []*engine.Exchange
			st, err := Import(context.Background(), f, Options{}, func(x *engine.Exchange) error {
				got = append(got, x)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != FormatHAR || st.Bad != 0 {
				t.Errorf("stats = %+v, want HAR without bad entries", st)
			}
			if len(got) != len(want) {
				t.Fatalf("imported %d exchanges, want %d", len(got), len(want))
			}
			for i, w := range want {
				compareFlow(t, got[i], w)
			}
		})
	}
}

// compareFlow reports every difference between an imported exchange and a
// mitmproxy flow. mitmproxy adds a content-length header to a message that
// has none; that header is not part of the recording, so it is accepted as
// missing when its value is the body's length.
func compareFlow(t *testing.T, x *engine.Exchange, w expectedFlow) {
	t.Helper()
	r := w.Request
	if x.Method != r.Method {
		t.Errorf("method %q, want %q", x.Method, r.Method)
	}
	wantURL := r.Scheme + "://" + r.Host
	if !(r.Scheme == "https" && r.Port == 443 || r.Scheme == "http" && r.Port == 80) {
		wantURL += ":" + strconv.Itoa(r.Port)
	}
	// mitmproxy's path is the target as sent; spoor stores the path
	// decoded (engine.DecodePath) and the query raw.
	path, query, _ := strings.Cut(r.Path, "?")
	wantURL += (&engine.Exchange{Path: engine.DecodePath(path), Query: query}).Target()
	if got := x.Scheme + "://" + x.Host + x.Target(); got != wantURL {
		t.Errorf("URL %q, want %q", got, wantURL)
	}
	if x.Status != w.Response.StatusCode {
		t.Errorf("status %d, want %d", x.Status, w.Response.StatusCode)
	}
	compareHeaders(t, "request", x.ReqHeaders, r.Headers, len(x.ReqBody.Data))
	compareHeaders(t, "response", x.RespHeaders, w.Response.Headers, len(x.RespBody.Data))
	compareBody(t, "request", x.ReqBody.Data, r.ContentLength, r.ContentHash)
	compareBody(t, "response", x.RespBody.Data, w.Response.ContentLength, w.Response.ContentHash)
	if d := math.Abs(float64(x.Start.UnixNano())/1e9 - r.TimestampStart); d > 1e-6 {
		t.Errorf("start %v, want %f (off by %fs)", x.Start, r.TimestampStart, d)
	}
	if d := math.Abs(float64(x.End().UnixNano())/1e9 - r.TimestampEnd); d > 1e-6 {
		t.Errorf("end %v, want %f (off by %fs)", x.End(), r.TimestampEnd, d)
	}
}

func compareHeaders(t *testing.T, side string, got []engine.Header, want [][2]string, bodyLen int) {
	t.Helper()
	if n := len(want); n == len(got)+1 && strings.EqualFold(want[n-1][0], "content-length") && want[n-1][1] == strconv.Itoa(bodyLen) {
		want = want[:n-1]
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d headers, want %d", side, len(got), len(want))
		return
	}
	for i, h := range want {
		if got[i].Name != h[0] || got[i].Value != h[1] {
			t.Errorf("%s header %d = %s: %q, want %s: %q", side, i, got[i].Name, got[i].Value, h[0], h[1])
		}
	}
}

func compareBody(t *testing.T, side string, data []byte, wantLen int, wantHash string) {
	t.Helper()
	sum := sha256.Sum256(data)
	if len(data) != wantLen || hex.EncodeToString(sum[:]) != wantHash {
		t.Errorf("%s body: %d bytes with sha256 %x, want %d bytes with %s", side, len(data), sum[:4], wantLen, wantHash[:8])
	}
}

// TestHARShapes covers what the fixtures do not: base64 request bodies,
// forms recorded as params, truncation at the body limit, bad entries
// reported by number, and files that are not HAR at all.
func TestHARShapes(t *testing.T) {
	entry := func(extra string) string {
		return `{"startedDateTime":"2026-11-24T10:00:00.5Z","time":12.5,"request":{"method":"POST","url":"https://api.test/login?next=%2Fhome#frag","headers":[{"name":"Content-Type","value":"application/x-www-form-urlencoded"}]` + extra + `},"response":{"status":302,"headers":[],"content":{"size":0,"text":""}}}`
	}
	har := func(entries ...string) string {
		return `{"log":{"version":"1.2","creator":{"name":"t"},"pages":[{"id":"p"}],"entries":[` + strings.Join(entries, ",") + `]}}`
	}
	tests := []struct {
		name    string
		input   string
		limit   int
		check   func(t *testing.T, xs []*engine.Exchange, st Stats)
		wantErr string
	}{
		{name: "form params", input: har(entry(`,"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"a b"},{"name":"pw","value":"x&y"}]}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ Stats) {
				x := xs[0]
				if string(x.ReqBody.Data) != "user=a+b&pw=x%26y" || x.Path != "/login" || x.Query != "next=%2Fhome" || x.Status != 302 || x.Duration != 12500*time.Microsecond {
					t.Errorf("exchange = %+v", x)
				}
			}},
		{name: "base64 body", input: har(entry(`,"postData":{"mimeType":"application/octet-stream","text":"AAEC/w==","encoding":"base64"}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ Stats) {
				if !bytes.Equal(xs[0].ReqBody.Data, []byte{0, 1, 2, 0xff}) || xs[0].ReqBody.Size != 4 {
					t.Errorf("body = %v", xs[0].ReqBody)
				}
			}},
		{name: "body limit", limit: 4, input: har(entry(`,"postData":{"mimeType":"text/plain","text":"0123456789"}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ Stats) {
				if b := xs[0].ReqBody; string(b.Data) != "0123" || b.Size != 10 || !b.Truncated {
					t.Errorf("body = %+v", b)
				}
			}},
		{name: "bad entries are counted", input: har(entry(""), `{"startedDateTime":"yesterday","request":{"method":"GET","url":"http://a/"},"response":{"status":200}}`, `{"startedDateTime":"2026-11-24T10:00:01Z","time":"slow","request":{},"response":{}}`, entry("")),
			check: func(t *testing.T, xs []*engine.Exchange, st Stats) {
				if len(xs) != 2 || st.Bad != 2 || st.FirstBad.Entry != 2 || !strings.Contains(st.FirstBad.String(), `entry 2: malformed startedDateTime "yesterday"`) {
					t.Errorf("%d exchanges, stats %+v (%v)", len(xs), st, st.FirstBad)
				}
			}},
		{name: "no entries", input: `{"log":{"version":"1.2"}}`, wantErr: "no log.entries"},
		{name: "broken JSON", input: `{"log":{"entries":[` + entry("") + `,{"startedDateTime":`, wantErr: "not valid JSON"},
		{name: "entries not an array", input: `{"log":{"entries":{}}}`, wantErr: "log.entries is not a JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var xs []*engine.Exchange
			st, err := Import(context.Background(), strings.NewReader(tt.input), Options{Format: FormatHAR, BodyLimit: tt.limit}, func(x *engine.Exchange) error {
				xs = append(xs, x)
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, xs, st)
		})
	}
}
