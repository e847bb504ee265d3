package detect

import (
	"net/netip"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// hostClass says what a URL's host reaches, from the server's side.
type hostClass uint8

const (
	hostPublic hostClass = iota
	hostLoopback
	hostUnspecified
	hostPrivate
	hostLinkLocal
	hostMetadata
)

func (c hostClass) String() string {
	switch c {
	case hostLoopback:
		return "loopback"
	case hostUnspecified:
		return "unspecified (reaches the server itself)"
	case hostPrivate:
		return "private network"
	case hostLinkLocal:
		return "link-local"
	case hostMetadata:
		return "cloud metadata service"
	}
	return "public"
}

// ssrfSchemes lists URL schemes that only server-side request forgery has
// a use for in a parameter: they let a forged request speak raw TCP
// (gopher, dict) or reach directory and file services.
func ssrfSchemes() []string {
	return []string{"gopher", "dict", "ldap", "ldaps", "tftp", "jar", "netdoc", "sftp"}
}

// urlParams lists parameter names whose value the server fetches, or is
// likely to: a host-only value in one of them ("127.0.0.1:8080/admin") is
// read as a URL.
func urlParams() []string {
	return []string{
		"url", "uri", "link", "href", "src", "source", "dest", "destination",
		"target", "proxy", "callback", "callback_url", "webhook", "webhook_url",
		"endpoint", "feed", "image", "image_url", "img", "fetch", "load",
		"host", "hostname", "domain", "site", "server", "remote", "redirect",
	}
}

// urlParts splits an absolute ("http://host/...") or protocol-relative
// ("//host", "\\host", "/\host") URL into its lower-cased scheme ("" for
// protocol-relative) and its host, without port, user information or
// IPv6 brackets. Leading white space and control bytes are skipped, as
// browsers and most URL parsers skip them.
func urlParts(v string) (scheme, host string, ok bool) {
	i := 0
	for i < len(v) && v[i] <= ' ' {
		i++
	}
	v = v[i:]
	rest := ""
	if len(v) >= 2 && (v[0] == '/' || v[0] == '\\') && (v[1] == '/' || v[1] == '\\') {
		rest = v[2:]
	} else {
		c := strings.Index(v, "://")
		if c <= 0 || c > 16 || !isScheme(v[:c]) {
			return "", "", false
		}
		scheme, rest = lowerASCII(v[:c]), v[c+3:]
	}
	end := len(rest)
	for k := 0; k < len(rest); k++ {
		if c := rest[k]; c == '/' || c == '\\' || c == '?' || c == '#' {
			end = k
			break
		}
	}
	auth := rest[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	return scheme, hostOnly(auth), true
}

// hostOnly strips the port and IPv6 brackets from an authority.
func hostOnly(auth string) string {
	if strings.HasPrefix(auth, "[") {
		if end := strings.IndexByte(auth, ']'); end > 0 {
			return auth[1:end]
		}
		return auth[1:]
	}
	if c := strings.LastIndexByte(auth, ':'); c >= 0 && strings.IndexByte(auth[:c], ':') < 0 {
		return auth[:c]
	}
	return auth
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// classifyHost says what host reaches: a loopback, private, link-local or
// metadata address, in any spelling an HTTP client accepts (dotted,
// integer, octal and hex IPv4 as inet_aton reads them; IPv6 with mapped or
// embedded IPv4), or a name that resolves to one (localhost, cloud
// metadata names, wildcard DNS services such as 127.0.0.1.nip.io).
func classifyHost(host string) hostClass {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return hostPublic
	}
	if strings.IndexByte(host, ':') >= 0 {
		if z := strings.IndexByte(host, '%'); z >= 0 {
			host = host[:z]
		}
		if a, err := netip.ParseAddr(host); err == nil {
			return classifyAddr(a)
		}
		return hostPublic
	}
	if a, ok := parseIPv4Loose(host); ok {
		return classifyAddr(a)
	}
	h := lowerASCII(host)
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost") ||
		h == "localhost.localdomain" || h == "ip6-localhost" || h == "ip6-loopback":
		return hostLoopback
	case h == "metadata.google.internal" || h == "metadata" || h == "instance-data" ||
		h == "metadata.tencentyun.com" || h == "metadata.azure.internal":
		return hostMetadata
	case strings.HasSuffix(h, ".internal") || h == "kubernetes.default" ||
		strings.HasPrefix(h, "kubernetes.default.") || strings.HasSuffix(h, ".svc.cluster.local"):
		return hostPrivate
	case h == "localtest.me" || strings.HasSuffix(h, ".localtest.me") ||
		h == "lvh.me" || strings.HasSuffix(h, ".lvh.me") ||
		h == "vcap.me" || strings.HasSuffix(h, ".vcap.me"):
		return hostLoopback
	}
	for _, suffix := range [...]string{".nip.io", ".xip.io", ".sslip.io", ".nip.direct"} {
		if strings.HasSuffix(h, suffix) {
			return classifyWildcardDNS(h[:len(h)-len(suffix)])
		}
	}
	return hostPublic
}

// classifyWildcardDNS reads the address a wildcard DNS name embeds, as the
// last four dotted labels ("app.10.0.0.1") or one dashed label
// ("10-0-0-1").
func classifyWildcardDNS(prefix string) hostClass {
	labels := strings.Split(prefix, ".")
	if len(labels) >= 4 {
		if a, err := netip.ParseAddr(strings.Join(labels[len(labels)-4:], ".")); err == nil {
			return classifyAddr(a)
		}
	}
	last := labels[len(labels)-1]
	if a, err := netip.ParseAddr(strings.ReplaceAll(last, "-", ".")); err == nil {
		return classifyAddr(a)
	}
	return hostPublic
}

// classifyAddr classifies an address.
func classifyAddr(a netip.Addr) hostClass {
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		// IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
		// addresses carry an IPv4 address a client may reach.
		compat := b == [16]byte{12: b[12], 13: b[13], 14: b[14], 15: b[15]} && (b[12] != 0 || b[13] != 0)
		nat64 := b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && [8]byte(b[4:12]) == [8]byte{}
		if compat || nat64 {
			a = netip.AddrFrom4([4]byte(b[12:]))
		}
	}
	switch {
	case a == netip.AddrFrom4([4]byte{169, 254, 169, 254}) ||
		a == netip.AddrFrom4([4]byte{169, 254, 170, 2}) ||
		a == netip.AddrFrom4([4]byte{100, 100, 100, 200}) ||
		a == netip.AddrFrom16([16]byte{0: 0xfd, 2: 0x0e, 3: 0xc2, 14: 0x02, 15: 0x54}):
		return hostMetadata
	case a.IsLoopback():
		return hostLoopback
	case a.IsUnspecified() || a.Is4() && a.As4()[0] == 0:
		return hostUnspecified
	case a.IsPrivate() || a.Is4() && a.As4()[0] == 100 && a.As4()[1]&0xc0 == 64:
		// 100.64.0.0/10 is carrier-grade NAT space, private in practice.
		return hostPrivate
	case a.IsLinkLocalUnicast():
		return hostLinkLocal
	}
	return hostPublic
}

// parseIPv4Loose parses an IPv4 address the way inet_aton and most HTTP
// clients do: one to four parts, each decimal, octal (leading 0) or hex
// (0x), the last filling the remaining bytes, so that "127.1",
// "2130706433", "0x7f000001" and "0177.0.0.1" all name 127.0.0.1.
func parseIPv4Loose(s string) (netip.Addr, bool) {
	var parts [4]uint64
	n := 0
	for {
		if n == 4 {
			return netip.Addr{}, false
		}
		dot := strings.IndexByte(s, '.')
		part := s
		if dot >= 0 {
			part = s[:dot]
		}
		v, ok := parseIPv4Part(part)
		if !ok {
			return netip.Addr{}, false
		}
		parts[n] = v
		n++
		if dot < 0 {
			break
		}
		s = s[dot+1:]
	}
	var ip uint64
	for i := 0; i < n-1; i++ {
		if parts[i] > 0xff {
			return netip.Addr{}, false
		}
		ip |= parts[i] << (24 - 8*i)
	}
	if parts[n-1] >= 1<<(8*(5-n)) {
		return netip.Addr{}, false
	}
	ip |= parts[n-1]
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

// parseIPv4Part parses one part of a loose IPv4 address, bounded so that
// it cannot overflow.
func parseIPv4Part(s string) (uint64, bool) {
	base := uint64(10)
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" || len(s) > 32 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case base == 16 && isHex(c):
			d = uint64(unhex(c))
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		v = v*base + d
		if v > 0xffffffff {
			return 0, false
		}
	}
	return v, true
}

// urls checks a parameter value that is, or may be, a URL: forged requests
// to internal addresses (SSRF), schemes only SSRF uses, remote file
// inclusion, and redirects off the site.
func (s *scan) urls(p *point, v string, m class) {
	scheme, host, ok := "", "", false
	if m&(classColon|classSlash) != 0 {
		scheme, host, ok = urlParts(v)
	}
	if !ok {
		// A host-only value needs a dot or a port, or is a bare name;
		// "localhost" is the one bare name worth the lookup.
		if m&(classDot|classColon) == 0 && !hasPrefixFold(v, "localhost") {
			return
		}
		if !p.leafIn(s.d.urlParams) || v == "" || v[0] == '/' || v[0] == '.' {
			return
		}
		// A host-only value in a URL parameter: "10.0.0.1:8080/admin".
		end := len(v)
		if k := strings.IndexAny(v, "/?#\\"); k >= 0 {
			end = k
		}
		host = hostOnly(v[:end])
		// Only a dotted address or a name counts here: "page=2" must not
		// read as the address 0.0.0.2.
		if strings.Count(host, ".") != 3 && strings.IndexByte(host, ':') < 0 && !isLetterHost(host) {
			return
		}
	}
	if ok && inSet(s.d.ssrfSchemes, scheme) {
		s.tag(engine.AttackSSRF, p, "spoor-ssrf", v, 0, len(scheme)+3,
			"URL scheme "+scheme+":// lets a forged request reach raw TCP or internal services")
	}
	if c := classifyHost(host); c != hostPublic {
		s.tag(engine.AttackSSRF, p, "spoor-ssrf", v, strings.Index(v, host), len(host),
			"URL targets "+host+", a "+c.String()+" address")
		return
	}
	if !ok {
		return
	}
	if (scheme == "http" || scheme == "https" || scheme == "ftp") && strings.HasSuffix(v, "?") {
		s.tag(engine.AttackRFI, p, "spoor-rfi", v, len(v)-1, 1,
			"remote URL ending in '?', which turns an appended suffix into a query")
	}
	s.redirect(p, v, scheme, host)
}

// isLetterHost reports whether host starts with a letter, as a name does.
func isLetterHost(host string) bool {
	return host != "" && ('a' <= lower(host[0]) && lower(host[0]) <= 'z')
}
