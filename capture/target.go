package capture

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// target is the origin a forward proxy's client asked for: the authority
// of a CONNECT, or the scheme and authority of an absolute-form request.
type target struct {
	// scheme is http or https.
	scheme string
	// host is a DNS name or an IP address, IPv6 without brackets, lower
	// case.
	host string
	// port is the port, always present.
	port string
}

// addr is host:port, to dial and to match against the scope.
func (t target) addr() string { return net.JoinHostPort(t.host, t.port) }

// authority is the host as a URL and a Host header write it: the port is
// left out when it is the scheme's default.
func (t target) authority() string {
	if (t.scheme == "http" && t.port == "80") || (t.scheme == "https" && t.port == "443") {
		if strings.Contains(t.host, ":") {
			return "[" + t.host + "]"
		}
		return t.host
	}
	return t.addr()
}

// String is the target as a user reads it in messages.
func (t target) String() string { return t.scheme + "://" + t.authority() }

// parseConnectTarget parses the authority-form target of a CONNECT
// (RFC 9112 section 3.2.3): host and port, both required. The tunnel
// carries TLS more often than not, so the scheme is https.
func parseConnectTarget(s string) (target, error) {
	host, port, err := splitAuthority(s)
	if err != nil {
		return target{}, fmt.Errorf("invalid CONNECT target %q: %w", s, err)
	}
	if port == "" {
		return target{}, fmt.Errorf("invalid CONNECT target %q: want host:port", s)
	}
	return target{scheme: "https", host: host, port: port}, nil
}

// parseAbsoluteTarget parses the scheme and authority of an absolute-form
// request target (RFC 9112 section 3.2.2), such as
// http://api.example.com:8080/users?id=1; the path and query stay with
// the request.
func parseAbsoluteTarget(s string) (target, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return target{}, fmt.Errorf("invalid request target %q: a forward proxy wants an absolute URL such as http://host/path, or CONNECT host:port", clip(s))
	}
	auth := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		auth = rest[:i]
	}
	host, port, err := splitAuthority(auth)
	if err != nil {
		return target{}, fmt.Errorf("invalid request target %q: %w", clip(s), err)
	}
	if port == "" {
		port = "80"
		if scheme == "https" {
			port = "443"
		}
	}
	return target{scheme: scheme, host: host, port: port}, nil
}

// splitAuthority splits host[:port] without userinfo; an IPv6 host is in
// brackets. The port, when given, is a number from 1 to 65535.
func splitAuthority(s string) (host, port string, err error) {
	switch {
	case s == "":
		return "", "", errors.New("no host")
	case strings.ContainsAny(s, "@ \t\r\n/\\"):
		return "", "", errors.New("want host[:port] without user information or spaces")
	}
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", errors.New("unclosed [ in an IPv6 address")
		}
		host, rest := s[1:end], s[end+1:]
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return "", "", fmt.Errorf("%q is not an IPv6 address", host)
		}
		if rest == "" {
			return strings.ToLower(host), "", nil
		}
		p, ok := strings.CutPrefix(rest, ":")
		if !ok {
			return "", "", errors.New("want :port after the IPv6 address")
		}
		if err := checkPort(p); err != nil {
			return "", "", err
		}
		return strings.ToLower(host), p, nil
	}
	host, port, hasPort := strings.Cut(s, ":")
	if strings.Contains(port, ":") {
		return "", "", errors.New("an IPv6 address goes in brackets: [::1]:443")
	}
	if host == "" {
		return "", "", errors.New("no host")
	}
	for _, r := range host {
		if !(r == '-' || r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", "", fmt.Errorf("invalid character %q in the host", r)
		}
	}
	if hasPort {
		if err := checkPort(port); err != nil {
			return "", "", err
		}
	}
	return strings.ToLower(host), port, nil
}

func checkPort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || p[0] == '0' || p[0] == '+' {
		return fmt.Errorf("invalid port %q", p)
	}
	return nil
}

// clip shortens a client's input for a message.
func clip(s string) string {
	const most = 80
	if len(s) > most {
		return s[:most] + "…"
	}
	return s
}
