package capture

import (
	"strings"
	"testing"
)

func TestParseConnectTarget(t *testing.T) {
	for _, tc := range []struct {
		in, addr, authority, err string
	}{
		{in: "api.example.com:443", addr: "api.example.com:443", authority: "api.example.com"},
		{in: "API.Example.com:8443", addr: "api.example.com:8443", authority: "api.example.com:8443"},
		{in: "127.0.0.1:443", addr: "127.0.0.1:443", authority: "127.0.0.1"},
		{in: "[::1]:443", addr: "[::1]:443", authority: "[::1]"},
		{in: "[::1]:8443", addr: "[::1]:8443", authority: "[::1]:8443"},
		{in: "api.example.com", err: "want host:port"},
		{in: "", err: "no host"},
		{in: ":443", err: "no host"},
		{in: "user@host:443", err: "without user information"},
		{in: "host:0", err: "invalid port"},
		{in: "host:65536", err: "invalid port"},
		{in: "host:+1", err: "invalid port"},
		{in: "host:08", err: "invalid port"},
		{in: "::1:443", err: "in brackets"},
		{in: "[1.2.3.4]:443", err: "not an IPv6 address"},
		{in: "[::1", err: "unclosed"},
		{in: "ho%st:443", err: "invalid character"},
		{in: "/etc/passwd", err: "spaces"},
	} {
		got, err := parseConnectTarget(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseConnectTarget(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got.addr() != tc.addr || got.authority() != tc.authority || got.scheme != "https" {
			t.Errorf("parseConnectTarget(%q) = %+v (%s, %s), %v; want %s, %s", tc.in, got, got.addr(), got.authority(), err, tc.addr, tc.authority)
		}
	}
}

func TestParseAbsoluteTarget(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "http://api.example.com/users?id=1", want: "http://api.example.com"},
		{in: "HTTP://api.example.com:80/x", want: "http://api.example.com"},
		{in: "http://api.example.com:8080", want: "http://api.example.com:8080"},
		{in: "https://127.0.0.1:443/", want: "https://127.0.0.1"},
		{in: "https://[::1]:8443/a", want: "https://[::1]:8443"},
		{in: "http://h?q", want: "http://h"},
		{in: "/users", err: "absolute URL"},
		{in: "ftp://host/", err: "absolute URL"},
		{in: "http:///path", err: "no host"},
		{in: "http://u:p@host/", err: "without user information"},
		{in: "http://host:x/", err: "invalid port"},
	} {
		got, err := parseAbsoluteTarget(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseAbsoluteTarget(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("parseAbsoluteTarget(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// FuzzTargets checks that any CONNECT target or absolute URI a client can
// send parses without panicking, and that what parses is a usable origin:
// a port from 1 to 65535 and an address that parses back to itself.
func FuzzTargets(f *testing.F) {
	for _, s := range []string{"api.example.com:443", "[::1]:443", "http://h/p?q", "https://[fe80::1]:8443/", "host:65535", "http://a@b/", ":", "[", "http://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (target, error){parseConnectTarget, parseAbsoluteTarget} {
			tg, err := parse(s)
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("%q: a message of several lines: %v", s, err)
				}
				continue
			}
			if tg.host == "" || checkPort(tg.port) != nil {
				t.Fatalf("%q parsed as %+v", s, tg)
			}
			again, err := parseConnectTarget(tg.addr())
			if err != nil || again.host != tg.host || again.port != tg.port {
				t.Fatalf("%q → %s → %+v, %v", s, tg.addr(), again, err)
			}
		}
	})
}
