package capture

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		peer    string
		xff     string
		trusted []netip.Prefix
		want    string
	}{
		{name: "no header", peer: "192.0.2.1", want: "192.0.2.1"},
		{name: "untrusted peer ignores header", peer: "192.0.2.1", xff: "203.0.113.9", want: "192.0.2.1"},
		{name: "untrusted peer ignores header even with prefixes", peer: "192.0.2.1", xff: "203.0.113.9", trusted: lb, want: "192.0.2.1"},
		{name: "trusted peer", peer: "10.0.0.2", xff: "203.0.113.9", trusted: lb, want: "203.0.113.9"},
		{name: "rightmost untrusted wins over a spoofed left", peer: "10.0.0.2", xff: "1.1.1.1, 203.0.113.9", trusted: lb, want: "203.0.113.9"},
		{name: "trusted hops are skipped", peer: "10.0.0.2", xff: "203.0.113.9, 10.0.0.7, 10.0.0.5", trusted: lb, want: "203.0.113.9"},
		{name: "all trusted gives the leftmost", peer: "10.0.0.2", xff: "10.0.0.9, 10.0.0.8", trusted: lb, want: "10.0.0.9"},
		{name: "port is dropped", peer: "10.0.0.2", xff: "203.0.113.9:51234", trusted: lb, want: "203.0.113.9"},
		{name: "bracketed ipv6 with port", peer: "10.0.0.2", xff: "[2001:db8::1]:443", trusted: lb, want: "2001:db8::1"},
		{name: "bracketed ipv6", peer: "10.0.0.2", xff: "[2001:db8::1]", trusted: lb, want: "2001:db8::1"},
		{name: "ipv4-mapped is unmapped", peer: "10.0.0.2", xff: "::ffff:203.0.113.9", trusted: lb, want: "203.0.113.9"},
		{name: "zone is dropped", peer: "fd00::1", xff: "fe80::1%eth0", trusted: lb, want: "fe80::1"},
		{name: "empty entries are skipped", peer: "10.0.0.2", xff: "203.0.113.9, ,", trusted: lb, want: "203.0.113.9"},
		{name: "garbage stops the walk", peer: "10.0.0.2", xff: "203.0.113.9, unknown", trusted: lb, want: "10.0.0.2"},
		{name: "garbage left of a client is ignored", peer: "10.0.0.2", xff: "<script>, 203.0.113.9", trusted: lb, want: "203.0.113.9"},
		{name: "no peer", peer: "", xff: "203.0.113.9", trusted: lb, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer, _ := netip.ParseAddr(tt.peer)
			got := clientIP(peer, tt.xff, tt.trusted)
			if s := addrString(got); s != tt.want {
				t.Errorf("clientIP(%s, %q) = %q, want %q", tt.peer, tt.xff, s, tt.want)
			}
		})
	}
}

// addrString is a's text, or "" for the zero Addr.
func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func TestPeerAddr(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 5000}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 5000}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 5000}, "2001:db8::1"},
		{&net.UDPAddr{IP: net.ParseIP("192.0.2.2"), Port: 53}, "192.0.2.2"},
		{&net.UnixAddr{Name: "/tmp/sock", Net: "unix"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := addrString(peerAddr(tt.addr)); got != tt.want {
			t.Errorf("peerAddr(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestNormalizePrefixes(t *testing.T) {
	got := normalizePrefixes([]netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104"), netip.MustParsePrefix("192.168.1.7/24")})
	if len(got) != 2 || got[0].String() != "10.0.0.0/8" || got[1].String() != "192.168.1.0/24" {
		t.Errorf("normalizePrefixes = %v, want [10.0.0.0/8 192.168.1.0/24]", got)
	}
}

// FuzzClientIP checks that any header yields either the peer or an address
// from the header, and that an untrusted peer is never overridden.
func FuzzClientIP(f *testing.F) {
	for _, seed := range []struct{ peer, xff string }{
		{"10.0.0.2", "203.0.113.9"},
		{"10.0.0.2", "203.0.113.9, 10.0.0.7"},
		{"10.0.0.2", "[2001:db8::1]:443, ::ffff:10.1.1.1"},
		{"192.0.2.1", "1.1.1.1"},
		{"10.0.0.2", ", ,,"},
		{"fd00::1", "fe80::1%eth0"},
		{"10.0.0.2", "[]:80, [::1"},
	} {
		f.Add(seed.peer, seed.xff)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	f.Fuzz(func(t *testing.T, peerText, xff string) {
		peer, err := netip.ParseAddr(peerText)
		if err != nil {
			peer = netip.Addr{}
		}
		got := clientIP(peer, xff, trusted)
		if !isTrusted(peer, trusted) {
			if got != peer {
				t.Fatalf("untrusted peer %v overridden by %v from %q", peer, got, xff)
			}
			return
		}
		if got == peer {
			return
		}
		for entry := range strings.SplitSeq(xff, ",") {
			if a, ok := parseForwardedAddr(strings.TrimSpace(entry)); ok && a == got {
				return
			}
		}
		t.Fatalf("clientIP(%v, %q) = %v, which is neither the peer nor in the header", peer, xff, got)
	})
}
