package importer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// setRequestLine fills method, path and query from a request line such as
// `GET /a?b=1 HTTP/1.1`. The target may hold spaces in logs of malformed
// requests, so the method is the first word and the protocol the last.
func setRequestLine(x *engine.Exchange, line string) error {
	method, rest, ok := strings.Cut(line, " ")
	if !ok || !isToken(method) {
		return fmt.Errorf("malformed request line %s", quoteShort([]byte(line)))
	}
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
		rest = rest[:i]
	}
	if rest == "" {
		return fmt.Errorf("malformed request line %s", quoteShort([]byte(line)))
	}
	x.Method = method
	setTarget(x, rest)
	return nil
}

// setTarget fills path and query from a request target: origin form
// (/a?b), absolute form (http://host/a?b, sent to proxies), or anything else
// (*, host:443) as the path. The path is decoded as the proxy decodes it
// (engine.DecodePath); the query is kept raw.
func setTarget(x *engine.Exchange, target string) {
	// Nearly every target is in origin form, which has no scheme to look
	// for: "://" in /a?u=http://b belongs to the query.
	if target == "" || target[0] != '/' {
		target = cutAbsolute(x, target)
	}
	target, _, _ = strings.Cut(target, "#")
	path, query, _ := strings.Cut(target, "?")
	x.Path, x.Query = engine.DecodePath(path), query
}

// cutAbsolute fills scheme and host from a target in absolute form and
// returns the rest, from the path on; it returns any other target as it is.
func cutAbsolute(x *engine.Exchange, target string) string {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?") {
		return target
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	x.Scheme, x.Host = strings.ToLower(scheme), rest[:end]
	target = rest[end:]
	if target == "" || target[0] != '/' {
		target = "/" + target
	}
	return target
}

// isToken reports whether s is an HTTP token (RFC 9110), as a method is.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// addHeader appends a request header unless the log said "-" or nothing.
func addHeader(hs []engine.Header, name, value string) []engine.Header {
	if !hasHeader(value) {
		return hs
	}
	return append(hs, engine.Header{Name: name, Value: value})
}

// hasHeader reports whether a log's header value says the header was sent.
func hasHeader(value string) bool { return value != "" && value != "-" }

// month maps an abbreviation of the common log time to its month.
func month(b []byte) (time.Month, bool) {
	const names = "JanFebMarAprMayJunJulAugSepOctNovDec"
	if len(b) != 3 {
		return 0, false
	}
	for i := 0; i < len(names); i += 3 {
		if string(b) == names[i:i+3] {
			return time.Month(i/3 + 1), true
		}
	}
	return 0, false
}

// parseCLFTime reads the common log time 17/May/2015:10:05:03 +0000 by
// hand, about ten times faster than time.Parse, which matters at a million
// lines. The result is in UTC: a fixed zone per line would cost an
// allocation and the instant is what grouping needs.
func parseCLFTime(b []byte) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("malformed time %s: want 17/May/2015:10:05:03 +0000", quoteShort(b))
	}
	// 02/Jan/2006:15:04:05 -0700 is 26 bytes.
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return bad()
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	day, year, hour, minute, sec := num(b[0:2]), num(b[7:11]), num(b[12:14]), num(b[15:17]), num(b[18:20])
	mon, ok := month(b[3:6])
	zh, zm := num(b[22:24]), num(b[24:26])
	if !ok || day < 1 || day > 31 || year < 1970 || hour > 23 || minute > 59 || sec > 60 || zh < 0 || zm < 0 || zh > 23 || zm > 59 || (b[21] != '+' && b[21] != '-') {
		return bad()
	}
	offset := time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if b[21] == '-' {
		offset = -offset
	}
	return time.Date(year, mon, day, hour, minute, sec, 0, time.UTC).Add(-offset), nil
}

// parseSeconds reads a duration in seconds with a fraction, as nginx's
// $request_time (0.123) writes it.
func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f < 1e9) {
		return 0, fmt.Errorf("malformed duration %q: want seconds such as 0.123", s)
	}
	return time.Duration(f*1e6+0.5) * time.Microsecond, nil
}

// appendUnescaped appends b to dst with the escaping Apache and nginx
// apply inside quoted log fields undone: \" and \\, and \xHH for bytes
// that are not printable. Bytes that do not form UTF-8 (a referer in a
// legacy code page) keep their escaped spelling, which reads better than
// replacement characters and loses nothing.
func appendUnescaped(dst, b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 {
		return append(dst, b...)
	}
	start := len(dst)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			dst = append(dst, c)
			continue
		}
		switch n := b[i+1]; {
		case n == 'x' && i+3 < len(b) && isHex(b[i+2]) && isHex(b[i+3]):
			dst = append(dst, unhex(b[i+2])<<4|unhex(b[i+3]))
			i += 3
		case n == '"' || n == '\\':
			dst = append(dst, n)
			i++
		default:
			dst = append(dst, c)
		}
	}
	if !utf8.Valid(dst[start:]) && utf8.Valid(b) {
		return append(dst[:start], b...)
	}
	return dst
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
