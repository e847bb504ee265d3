package engine

import (
	"strings"
)

// cookieValue returns the value of the cookie name sent in the request's
// Cookie headers; when a name repeats, the first occurrence wins, as most
// servers read it. Cookie names are case-sensitive.
func cookieValue(hs []Header, name string) string {
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Cookie") {
			continue
		}
		if v, ok := findCookie(h.Value, name); ok {
			return v
		}
	}
	return ""
}

// findCookie scans one Cookie header. Malformed pairs are skipped rather than
// failing the whole header, as browsers do.
func findCookie(header, name string) (string, bool) {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		key, val, ok := strings.Cut(pair, "=")
		if ok && strings.TrimSpace(key) == name {
			return cookieText(val), true
		}
	}
	return "", false
}

// setCookieValue returns the value the response sets for cookie name; when
// several Set-Cookie headers name it, the first wins.
func setCookieValue(hs []Header, name string) string {
	for _, h := range hs {
		if !strings.EqualFold(h.Name, "Set-Cookie") {
			continue
		}
		pair, _, _ := strings.Cut(h.Value, ";")
		if key, val, ok := strings.Cut(pair, "="); ok && strings.TrimSpace(key) == name {
			return cookieText(val)
		}
	}
	return ""
}

// cookieText strips the white space and optional double quotes around a
// cookie value (RFC 6265 allows a quoted value).
func cookieText(val string) string {
	val = strings.TrimSpace(val)
	if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
		val = val[1 : len(val)-1]
	}
	return val
}
