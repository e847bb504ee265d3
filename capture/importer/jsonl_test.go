package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

func TestJSONLines(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name, mapping, line string
		want                engine.Exchange
		wantErr             string
	}{
		{name: "default names", line: `{"time":"2026-11-24T10:00:00Z","ip":"192.0.2.1","method":"GET","path":"/a?b=1","status":200,"bytes":12,"duration_ms":3.5,"user_agent":"curl/8"}`,
			want: engine.Exchange{Start: t0, Duration: 3500 * time.Microsecond, ClientIP: "192.0.2.1", Method: "GET", Path: "/a", Query: "b=1", Status: 200, RespBody: engine.Body{Size: 12},
				ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "curl/8"}}}},
		{name: "mapped, nested, epoch millis, seconds", mapping: "time=ts,ip=client.addr,method=verb,path=uri,status=code,ua=agent,duration=rt:s,header.X-Api-Key=auth.key",
			line: `{"ts":1795514400000,"client":{"addr":"192.0.2.2"},"verb":"POST","uri":"/orders","code":"201","agent":"app/1","rt":0.25,"auth":{"key":"k-1"}}`,
			want: engine.Exchange{Start: t0, Duration: 250 * time.Millisecond, ClientIP: "192.0.2.2", Method: "POST", Path: "/orders", Status: 201,
				ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "app/1"}, {Name: "X-Api-Key", Value: "k-1"}}}},
		{name: "url, epoch seconds, text duration", line: `{"ts":1795514400,"url":"https://api.test/x?y#z","status":404,"duration":"12ms","query":"?over=1"}`,
			want: engine.Exchange{Start: t0, Duration: 12 * time.Millisecond, Scheme: "https", Host: "api.test", Path: "/x", Query: "over=1", Status: 404}},
		{name: "common log time", line: `{"@timestamp":"24/Nov/2026:11:00:00 +0100","uri":"/"}`,
			want: engine.Exchange{Start: t0, Path: "/"}},
		{name: "no time", line: `{"path":"/"}`, wantErr: "no time field"},
		{name: "no path", line: `{"time":"2026-11-24T10:00:00Z"}`, wantErr: "no path or url"},
		{name: "not JSON", line: `GET / 200`, wantErr: "not a JSON object"},
		{name: "array", line: `[1,2]`, wantErr: "not a JSON object"},
		{name: "trailing data", line: `{"time":1,"path":"/"} x`, wantErr: "trailing data"},
		{name: "bad status", line: `{"time":"2026-11-24T10:00:00Z","path":"/","status":"ok"}`, wantErr: "malformed status"},
		{name: "bad time", line: `{"time":"later","path":"/"}`, wantErr: "malformed time"},
		{name: "negative duration", line: `{"time":"2026-11-24T10:00:00Z","path":"/","duration":-1}`, wantErr: "malformed duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := DefaultMapping()
			if tt.mapping != "" {
				var err error
				if m, err = ParseMapping(tt.mapping); err != nil {
					t.Fatal(err)
				}
			}
			x, err := m.ParseLine([]byte(tt.line))
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

func TestParseMappingErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"tme=ts":          `unknown name "tme"`,
		"time":            "want NAME=FIELD",
		"time=":           "want NAME=FIELD",
		"time=a..b":       "empty part",
		"duration=rt:min": `unknown unit "min"`,
		"status=code:s":   "only duration takes a unit",
	} {
		if _, err := ParseMapping(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", spec, err, want)
		}
	}
}
