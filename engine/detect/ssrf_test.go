package detect

import (
	"net/netip"
	"testing"
)

func TestParseIPv4Loose(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when it is not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0", "0.0.0.0"},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"1..2", ""},
		{"08.0.0.1", ""}, // 8 is not an octal digit
		{"4294967296", ""},
		{"example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		a, ok := parseIPv4Loose(tt.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("parseIPv4Loose(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClassifyHost(t *testing.T) {
	tests := []struct {
		host string
		want hostClass
	}{
		{"169.254.169.254", hostMetadata},
		{"metadata.google.internal", hostMetadata},
		{"fd00:ec2::254", hostMetadata},
		{"100.100.100.200", hostMetadata},
		{"127.0.0.1", hostLoopback},
		{"LOCALHOST", hostLoopback},
		{"api.localhost", hostLoopback},
		{"::1", hostLoopback},
		{"::ffff:127.0.0.1", hostLoopback},
		{"::127.0.0.1", hostLoopback},
		{"64:ff9b::10.0.0.1", hostPrivate},
		{"0.0.0.0", hostUnspecified},
		{"10.1.2.3", hostPrivate},
		{"172.16.0.1", hostPrivate},
		{"192.168.0.1", hostPrivate},
		{"100.64.0.1", hostPrivate},
		{"fc00::1", hostPrivate},
		{"db.internal", hostPrivate},
		{"169.254.1.1", hostLinkLocal},
		{"fe80::1%eth0", hostLinkLocal},
		{"10.0.0.1.nip.io", hostPrivate},
		{"app-127-0-0-1.sslip.io", hostPublic}, // only a whole dashed label is read
		{"127-0-0-1.sslip.io", hostLoopback},
		{"localtest.me", hostLoopback},
		{"93.184.216.34", hostPublic},
		{"example.com", hostPublic},
		{"", hostPublic},
	}
	for _, tt := range tests {
		if got := classifyHost(tt.host); got != tt.want {
			t.Errorf("classifyHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestURLParts(t *testing.T) {
	tests := []struct {
		in, scheme, host string
		ok               bool
	}{
		{"http://example.com/x", "http", "example.com", true},
		{"HTTPS://user:pw@Example.com:8443/x?y", "https", "Example.com", true},
		{"//evil.example", "", "evil.example", true},
		{`/\evil.example`, "", "evil.example", true},
		{`\\evil.example\x`, "", "evil.example", true},
		{"  http://[::1]:80/", "http", "::1", true},
		{"gopher://127.0.0.1:25/_x", "gopher", "127.0.0.1", true},
		{"/relative/path", "", "", false},
		{"mailto:a@b.c", "", "", false},
		{"1://x", "", "", false},
	}
	for _, tt := range tests {
		scheme, host, ok := urlParts(tt.in)
		if scheme != tt.scheme || host != tt.host || ok != tt.ok {
			t.Errorf("urlParts(%q) = %q, %q, %v; want %q, %q, %v", tt.in, scheme, host, ok, tt.scheme, tt.host, tt.ok)
		}
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"shop.example.com", "shop.example.com:443", true},
		{"www.shop.example.com", "shop.example.com", true},
		{"login.example.com", "shop.example.com", true},
		{"evil.example", "shop.example.com", false},
		{"example.com.evil.example", "example.com", false},
		{"10.0.0.2", "10.0.0.1", false},
	}
	for _, tt := range tests {
		if got := sameSite(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSite(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestParseIPv4LooseAgreesWithNetip checks the dotted-decimal case against
// the standard library.
func TestParseIPv4LooseAgreesWithNetip(t *testing.T) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "0.0.0.0", "192.168.10.20"} {
		a, ok := parseIPv4Loose(s)
		if want := netip.MustParseAddr(s); !ok || a != want {
			t.Errorf("parseIPv4Loose(%q) = %v, %v; want %v", s, a, ok, want)
		}
	}
}
