package importer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

func TestParseCombinedLine(t *testing.T) {
	t0 := time.Date(2015, 5, 17, 10, 5, 3, 0, time.UTC)
	tests := []struct {
		name, line string
		want       engine.Exchange
		wantErr    string
	}{
		{name: "combined", line: `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/kibana.png?x=1 HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0 (Macintosh)"`,
			want: engine.Exchange{Start: t0, ClientIP: "83.149.9.216", Method: "GET", Path: "/presentations/kibana.png", Query: "x=1", Status: 200, RespBody: engine.Body{Size: 203023},
				ReqHeaders: []engine.Header{{Name: "Referer", Value: "http://semicomplete.com/"}, {Name: "User-Agent", Value: "Mozilla/5.0 (Macintosh)"}}}},
		{name: "common, no size, zone offset", line: `10.0.0.1 - frank [17/May/2015:12:05:03 +0200] "POST /login HTTP/1.0" 401 -`,
			want: engine.Exchange{Start: t0, ClientIP: "10.0.0.1", Method: "POST", Path: "/login", Status: 401}},
		{name: "dashes and extra fields", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 304 0 "-" "-" 0.003 rt=1`,
			want: engine.Exchange{Start: t0, ClientIP: "10.0.0.1", Method: "GET", Path: "/", Status: 304}},
		{name: "escaped quote in user agent", line: `::1 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 200 5 "-" "evil \"agent\" \x41"`,
			want: engine.Exchange{Start: t0, ClientIP: "::1", Method: "GET", Path: "/a", Status: 200, RespBody: engine.Body{Size: 5},
				ReqHeaders: []engine.Header{{Name: "User-Agent", Value: `evil "agent" A`}}}},
		{name: "absolute target through a proxy", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET http://Example.com:8080/p?q HTTP/1.1" 200 1`,
			want: engine.Exchange{Start: t0, ClientIP: "10.0.0.1", Method: "GET", Scheme: "http", Host: "Example.com:8080", Path: "/p", Query: "q", Status: 200, RespBody: engine.Body{Size: 1}}},
		{name: "HTTP/0.9 request line", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /old" 200 1`,
			want: engine.Exchange{Start: t0, ClientIP: "10.0.0.1", Method: "GET", Path: "/old", Status: 200, RespBody: engine.Body{Size: 1}}},
		{name: "user with a space", line: `10.0.0.1 - john smith [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1`,
			want: engine.Exchange{Start: t0, ClientIP: "10.0.0.1", Method: "GET", Path: "/", Status: 200, RespBody: engine.Body{Size: 1}}},
		{name: "TLS handshake on a plain port", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "\x16\x03\x01\x00" 400 166`, wantErr: "malformed request line"},
		{name: "no request", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "-" 408 0`, wantErr: "malformed request line"},
		{name: "bad time", line: `10.0.0.1 - - [17/Mai/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1`, wantErr: "malformed time"},
		{name: "bad status", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 2000 1`, wantErr: "malformed status"},
		{name: "bad size", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 12k`, wantErr: "malformed byte count"},
		{name: "no time", line: `10.0.0.1 - - "GET / HTTP/1.1" 200 1`, wantErr: "no [time] field"},
		{name: "unterminated request", line: `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1 200 1`, wantErr: `no quoted "request"`},
		{name: "too short", line: `hello`, wantErr: "too few fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ParseCombinedLine([]byte(tt.line))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertExchange(t, x, &tt.want)
		})
	}
}

// assertExchange compares the fields an importer fills.
func assertExchange(t *testing.T, got, want *engine.Exchange) {
	t.Helper()
	if !got.Start.Equal(want.Start) || got.Duration != want.Duration || got.ClientIP != want.ClientIP || got.Method != want.Method ||
		got.Scheme != want.Scheme || got.Host != want.Host || got.Path != want.Path || got.Query != want.Query || got.Status != want.Status ||
		got.RespBody.Size != want.RespBody.Size || got.ReqBody.Size != want.ReqBody.Size {
		t.Errorf("exchange\n got %+v\nwant %+v", *got, *want)
	}
	if len(got.ReqHeaders) != len(want.ReqHeaders) {
		t.Errorf("request headers %v, want %v", got.ReqHeaders, want.ReqHeaders)
		return
	}
	for i := range want.ReqHeaders {
		if got.ReqHeaders[i] != want.ReqHeaders[i] {
			t.Errorf("request headers %v, want %v", got.ReqHeaders, want.ReqHeaders)
		}
	}
}

// benchLog is a 10,000-line combined log in the shape of a web server's:
// the test fixture's lines repeated with advancing times and varied
// addresses, so that the benchmarks need nothing outside the repository.
func benchLog(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	base := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	for i := range 10000 {
		line := base[i%len(base)]
		_, rest, _ := bytes.Cut(line, []byte(" - - ["))
		_, rest, _ = bytes.Cut(rest, []byte("] "))
		fmt.Fprintf(&out, "10.%d.%d.%d - - [%s] %s\n", i%7, i%13, i%251, t0.Add(time.Duration(i)*time.Second).Format("02/Jan/2006:15:04:05 -0700"), rest)
	}
	return out.Bytes()
}

// BenchmarkImportCombined measures the parser and reorder window on a
// 10,000-line log, without analysis or storage.
func BenchmarkImportCombined(b *testing.B) {
	data := benchLog(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := Import(context.Background(), bytes.NewReader(data), Options{}, func(*engine.Exchange) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "exchanges/op")
	}
}

// BenchmarkParseCombinedLine measures the parser alone on the lines of the
// benchmark log.
func BenchmarkParseCombinedLine(b *testing.B) {
	data := benchLog(b)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	b.SetBytes(int64(len(data)) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ParseCombinedLine(lines[i])
		if i++; i == len(lines) {
			i = 0
		}
	}
}
