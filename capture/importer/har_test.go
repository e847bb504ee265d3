package importer_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/conformance"
)

// TestHARFixtures imports every HAR file of testdata/har, written in the
// shapes recorders produce (Charles, Chrome with pages and base64 bodies,
// Firefox's HEAD with a Content-Length, Insomnia's empty postData, a JSON
// POST, a byte order mark), and compares each exchange with its expected
// flow, written in mitmproxy's format: method, URL, status, request and
// response headers, bodies (by length and SHA-256), start and end time.
// The comparison is conformance.CheckHAR, which cmd/spoor-corpus-check runs
// over mitmproxy's own files.
func TestHARFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "har")
	res, err := conformance.CheckHAR(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 6 {
		t.Fatalf("found %d HAR files in %s, want 6", res.Files, dir)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	if res.Exchanges == 0 {
		t.Error("no exchanges compared")
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
		check   func(t *testing.T, xs []*engine.Exchange, st importer.Stats)
		wantErr string
	}{
		{name: "form params", input: har(entry(`,"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"a b"},{"name":"pw","value":"x&y"}]}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ importer.Stats) {
				x := xs[0]
				if string(x.ReqBody.Data) != "user=a+b&pw=x%26y" || x.Path != "/login" || x.Query != "next=%2Fhome" || x.Status != 302 || x.Duration != 12500*time.Microsecond {
					t.Errorf("exchange = %+v", x)
				}
			}},
		{name: "base64 body", input: har(entry(`,"postData":{"mimeType":"application/octet-stream","text":"AAEC/w==","encoding":"base64"}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ importer.Stats) {
				if !bytes.Equal(xs[0].ReqBody.Data, []byte{0, 1, 2, 0xff}) || xs[0].ReqBody.Size != 4 {
					t.Errorf("body = %v", xs[0].ReqBody)
				}
			}},
		{name: "body limit", limit: 4, input: har(entry(`,"postData":{"mimeType":"text/plain","text":"0123456789"}`)),
			check: func(t *testing.T, xs []*engine.Exchange, _ importer.Stats) {
				if b := xs[0].ReqBody; string(b.Data) != "0123" || b.Size != 10 || !b.Truncated {
					t.Errorf("body = %+v", b)
				}
			}},
		{name: "bad entries are counted", input: har(entry(""), `{"startedDateTime":"yesterday","request":{"method":"GET","url":"http://a/"},"response":{"status":200}}`, `{"startedDateTime":"2026-11-24T10:00:01Z","time":"slow","request":{},"response":{}}`, entry("")),
			check: func(t *testing.T, xs []*engine.Exchange, st importer.Stats) {
				if len(xs) != 2 || st.Bad != 2 || st.FirstBad.Entry != 2 || !strings.Contains(st.FirstBad.String(), `entry 2: malformed startedDateTime "yesterday"`) {
					t.Errorf("%d exchanges, stats %+v (%v)", len(xs), st, st.FirstBad)
				}
			}},
		{name: "no entries", input: `{"log":{"version":"1.2"}}`, wantErr: "no log.entries"},
		{name: "cut short", input: `{"log":{"entries":[` + entry("") + `,{"startedDateTime":`, wantErr: "stopped at entry 2: HAR ends early"},
		{name: "broken JSON", input: `{"log":{"entries":[` + entry("") + `,{"startedDateTime":]}}`, wantErr: "stopped at entry 2: HAR is not valid JSON"},
		{name: "entries not an array", input: `{"log":{"entries":{}}}`, wantErr: "log.entries is not a JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var xs []*engine.Exchange
			st, err := importer.Import(context.Background(), strings.NewReader(tt.input), importer.Options{Format: importer.FormatHAR, BodyLimit: tt.limit}, func(x *engine.Exchange) error {
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
