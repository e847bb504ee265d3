package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// redirectParams lists parameter names that carry where to send the user
// next. redirect_uri and callback are left out: OAuth and JSONP send other
// sites there by design.
func redirectParams() []string {
	return []string{
		"redirect", "redirect_to", "redirectto", "redirect_url", "redirecturl",
		"redir", "redirect_path", "return", "return_to", "returnto", "return_url",
		"returnurl", "return_path", "returnpath", "next", "next_url", "nexturl",
		"continue", "goto", "go", "dest", "destination", "forward",
		"forward_url", "rurl", "out", "success_url", "failure_url",
		"target", "checkout_url", "logout_redirect",
	}
}

// redirect tags a redirect parameter that sends the user off the site, or
// to a script URL. When the exchange's host is unknown (an access log
// without it), only the backslash spellings count, which browsers read as
// "//" and naive same-site checks miss.
func (s *scan) redirect(p *point, v, scheme, host string) {
	if !p.leafIn(s.d.redirectParams) {
		return
	}
	if host == "" {
		return
	}
	if scheme != "" && scheme != "http" && scheme != "https" {
		return
	}
	trimmed := strings.TrimLeft(v, " \t\r\n")
	backslash := strings.HasPrefix(trimmed, "\\") || strings.HasPrefix(trimmed, "/\\")
	if s.host == "" && !backslash {
		return
	}
	if s.host != "" && sameSite(host, s.host) {
		return
	}
	s.tag(engine.AttackOpenRedirect, p, "spoor-redirect", v, strings.Index(v, host), len(host),
		"redirect parameter sends the user to another site: "+host)
}

// scriptRedirect tags a redirect parameter holding a javascript:, vbscript:
// or data: URL, which turns a redirect into script execution.
func (s *scan) scriptRedirect(p *point, v string) {
	if !p.leafIn(s.d.redirectParams) {
		return
	}
	t := strings.TrimLeft(v, " \t\r\n\x00")
	for _, scheme := range [...]string{"javascript:", "vbscript:", "data:text/html"} {
		if hasPrefixFold(t, scheme) {
			s.tag(engine.AttackXSS, p, "spoor-redirect", v, 0, len(scheme),
				"redirect parameter holds a "+strings.TrimSuffix(scheme, ":")+" URL")
			return
		}
	}
}

// sameSite reports whether two hosts belong to one site: equal, one a
// subdomain of the other, or sharing their last two labels. The last rule
// errs towards silence for hosts under two-label public suffixes
// (a.co.uk and b.co.uk look alike).
func sameSite(a, b string) bool {
	a, b = lowerASCII(strings.TrimSuffix(a, ".")), lowerASCII(hostOnly(strings.TrimSuffix(b, ".")))
	if a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a) {
		return true
	}
	if isAddress(a) || isAddress(b) {
		return false // addresses share no labels worth comparing
	}
	return lastLabels(a, 2) == lastLabels(b, 2)
}

// lastLabels returns the last n dot-separated labels of host.
func lastLabels(host string, n int) string {
	i := len(host)
	for ; n > 0; n-- {
		j := strings.LastIndexByte(host[:i], '.')
		if j < 0 {
			return host
		}
		i = j
	}
	return host[i+1:]
}

// isAddress reports whether host is an IP address rather than a name.
func isAddress(host string) bool {
	if strings.IndexByte(host, ':') >= 0 {
		return true
	}
	_, ok := parseIPv4Loose(host)
	return ok
}
