package engine

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfigProxy(t *testing.T) {
	tests := []struct {
		in   string
		want ProxyConfig
	}{
		{"proxy: {max_header_bytes: 65536, max_body_bytes: 1MB, upstream_timeout: 5s, capture_body_bytes: 16KiB}\n",
			ProxyConfig{MaxHeaderBytes: 65536, MaxBodyBytes: 1e6, UpstreamTimeout: 5 * time.Second, CaptureBodyBytes: 16 << 10}},
		{"proxy:\n  max_header_bytes: 2KiB\n", ProxyConfig{MaxHeaderBytes: 2048}},
		{"proxy:\n  max_body_bytes: 0\n", ProxyConfig{}},
		{"proxy:\n  max_body_bytes: 3 GiB\n", ProxyConfig{MaxBodyBytes: 3 << 30}},
		{"proxy:\n", ProxyConfig{}},
	}
	for _, tt := range tests {
		cfg, err := ParseConfig([]byte(tt.in), "spoor.yaml")
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if cfg.Proxy != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.in, cfg.Proxy, tt.want)
		}
	}
}

func TestParseConfigProxyErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"proxy:\n  max_header_bytes: 512\n", `spoor.yaml:2: proxy.max_header_bytes "512" is too small: want at least 1024 bytes`},
		{"proxy:\n  max_header_bytes: lots\n", `spoor.yaml:2: bad byte count "lots" for proxy.max_header_bytes: want a number of bytes such as 65536 or 64KiB`},
		{"proxy:\n  max_body_bytes: -1\n", `spoor.yaml:2: bad byte count "-1" for proxy.max_body_bytes: want a number of bytes such as 65536 or 64KiB`},
		{"proxy:\n  max_body_bytes: 99999999999GiB\n", `spoor.yaml:2: bad byte count "99999999999GiB" for proxy.max_body_bytes: want a number of bytes such as 65536 or 64KiB`},
		{"proxy:\n  capture_body_bytes: 0\n", `spoor.yaml:2: proxy.capture_body_bytes "0" is too small: want at least 1 bytes`},
		{"proxy:\n  upstream_timeout: 0s\n", `spoor.yaml:2: bad duration "0s" for proxy.upstream_timeout: must be positive`},
		{"proxy:\n  upstream_timeout: soon\n", `spoor.yaml:2: bad duration "soon" for proxy.upstream_timeout`},
		{"proxy:\n  max_headers: 4096\n", `spoor.yaml:2: unknown field "max_headers" in proxy (want max_header_bytes, max_body_bytes, upstream_timeout, capture_body_bytes)`},
		{"proxy: 4096\n", `spoor.yaml:1: want a mapping in proxy with max_header_bytes, max_body_bytes, upstream_timeout, capture_body_bytes`},
	}
	for _, tt := range tests {
		_, err := ParseConfig([]byte(tt.in), "spoor.yaml")
		if err == nil {
			t.Errorf("%q: accepted, want %s", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
}
