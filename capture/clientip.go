package capture

import (
	"net"
	"net/netip"
	"strings"
)

// clientIP works out who sent a request that arrived from peer carrying the
// X-Forwarded-For list xff. Entries are only as honest as whoever appended
// them, so the list is read from the right, one hop at a time, while the hop
// that reported the next entry is trusted; the first address not trusted,
// or the last one reported by a trusted hop, is the client. A malformed
// entry ends the walk, since nothing left of it can be believed.
func clientIP(peer netip.Addr, xff string, trusted []netip.Prefix) netip.Addr {
	client := peer
	for xff != "" && isTrusted(client, trusted) {
		entry := xff
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			entry, xff = xff[i+1:], xff[:i]
		} else {
			xff = ""
		}
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		addr, ok := parseForwardedAddr(entry)
		if !ok {
			break
		}
		client = addr
	}
	return client
}

// isTrusted reports whether addr belongs to one of the trusted prefixes.
func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	if !addr.IsValid() {
		return false
	}
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// parseForwardedAddr reads one X-Forwarded-For entry. Some proxies append a
// port ("203.0.113.7:51234", "[2001:db8::1]:443") or bracket a bare IPv6
// address, and IPv4 clients of a dual-stack socket appear IPv4-mapped; all
// are reduced to the plain address so that one client has one spelling.
func parseForwardedAddr(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		switch {
		case perr == nil:
			addr = ap.Addr()
		case len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']':
			if addr, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil {
				return netip.Addr{}, false
			}
		default:
			return netip.Addr{}, false
		}
	}
	return addr.Unmap().WithZone(""), true
}

// peerAddr is the IP address of the connection's far end, or the zero Addr
// when the connection is not IP (an in-memory pipe, say).
func peerAddr(a net.Addr) netip.Addr {
	if a == nil {
		return netip.Addr{}
	}
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap().WithZone("")
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	return netip.Addr{}
}
