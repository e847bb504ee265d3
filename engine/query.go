package engine

import (
	"net/url"
	"strings"
)

// queryValue returns the value of parameter name in a raw query string or
// urlencoded form body. A repeated parameter yields its first occurrence, as
// url.Values.Get does: "?id=1&id=2" gives "1", and "?id=&id=2" gives "".
// Pairs whose escapes are malformed are skipped, as url.ParseQuery skips
// them. The string is scanned in place, so a lookup allocates only when the
// value is escaped.
func queryValue(raw, name string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, val, _ := strings.Cut(pair, "=")
		if !queryNameIs(key, name) {
			continue
		}
		if v, ok := queryUnescape(val); ok {
			return v
		}
	}
	return ""
}

func queryNameIs(key, name string) bool {
	if !strings.ContainsAny(key, "%+") {
		return key == name
	}
	k, ok := queryUnescape(key)
	return ok && k == name
}

func queryUnescape(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	u, err := url.QueryUnescape(s)
	return u, err == nil
}
