package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

const nginxCombined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

func TestLogFormat(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name, format, line string
		want               engine.Exchange
		wantErr            string
	}{
		{name: "combined", format: nginxCombined,
			line: `192.0.2.1 - - [24/Nov/2026:10:00:00 +0000] "GET /a?b=1 HTTP/1.1" 200 12 "-" "curl/8.5 \"quoted\""`,
			want: engine.Exchange{Start: t0, ClientIP: "192.0.2.1", Method: "GET", Path: "/a", Query: "b=1", Status: 200, RespBody: engine.Body{Size: 12},
				ReqHeaders: []engine.Header{{Name: "User-Agent", Value: `curl/8.5 "quoted"`}}}},
		{name: "timing, host, headers and cookies", format: `$time_iso8601 $remote_addr $host "$request_method $request_uri" $status $bytes_sent $request_time "$http_x_api_key" sid=$cookie_sid ${upstream_response_time}ms`,
			line: `2026-11-24T11:00:00+01:00 192.0.2.2 api.test "POST /v1/orders?x=2" 201 345 0.250 "k-1" sid=abc 0.2ms`,
			want: engine.Exchange{Start: t0, Duration: 250 * time.Millisecond, ClientIP: "192.0.2.2", Method: "POST", Host: "api.test", Path: "/v1/orders", Query: "x=2", Status: 201, RespBody: engine.Body{Size: 345},
				ReqHeaders: []engine.Header{{Name: "X-Api-Key", Value: "k-1"}, {Name: "Cookie", Value: "sid=abc"}}}},
		{name: "uri and args, msec, upstream time", format: `$msec|$remote_addr|$request_method|$uri|$args|$status|$upstream_response_time|$http_host`,
			line: `1795514400.000|192.0.2.3|GET|/search|q=spoor|200|0.010, 0.020|Shop.Test:8443`,
			want: engine.Exchange{Start: time.Unix(1795514400, 0).UTC(), Duration: 30 * time.Millisecond, ClientIP: "192.0.2.3", Method: "GET", Host: "Shop.Test:8443", Path: "/search", Query: "q=spoor", Status: 200,
				ReqHeaders: []engine.Header{{Name: "Host", Value: "Shop.Test:8443"}}}},
		{name: "line of another format", format: nginxCombined, line: `{"time":1}`, wantErr: `no " - " after it`},
		{name: "bad time", format: nginxCombined, line: `192.0.2.1 - - [yesterday] "GET / HTTP/1.1" 200 1 "-" "-"`, wantErr: "malformed time"},
		{name: "bad request time", format: `[$time_local] "$request" $request_time`, line: `[24/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" fast`, wantErr: "malformed duration"},
		{name: "unterminated quote", format: nginxCombined, line: `192.0.2.1 - - [24/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1 200 1`, wantErr: `no closing "\" "`},
		{name: "wrong lead", format: `[$time_local] "$request"`, line: `x[24/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1"`, wantErr: `does not start with "["`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseLogFormat(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			x, err := f.ParseLine([]byte(tt.line))
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

func TestParseLogFormatErrors(t *testing.T) {
	tests := []struct{ format, want string }{
		{`$remote_addr$remote_user [$time_local] "$request"`, "$remote_user directly follows another variable"},
		{`$remote_addr "$request"`, "no time"},
		{`[$time_local] $status`, "no request"},
		{`plain text`, "no variables"},
	}
	for _, tt := range tests {
		if _, err := ParseLogFormat(tt.format); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.format, err, tt.want)
		}
	}
}

// TestLogFormatMatchesCombined checks that the nginx combined format and
// the dedicated combined parser read the corpus-style line identically.
func TestLogFormatMatchesCombined(t *testing.T) {
	f, err := ParseLogFormat(nginxCombined)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(`83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1)"`)
	a, err := f.ParseLine(line)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseCombinedLine(line)
	if err != nil {
		t.Fatal(err)
	}
	assertExchange(t, a, b)
}
