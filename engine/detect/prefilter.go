package detect

import (
	"bytes"
	"math/bits"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Prefilter is a cheap, high-recall test of whether an exchange tier 1
// found clean deserves the Core Rule Set before the others: it looks, in
// the percent-decoded path, query, headers and body, for the bytes without
// which SQL, shell, HTML and JavaScript injection are hard to write
// (quotes, angle brackets, separators, substitutions), for "..", and for
// keywords of those languages and of scanners. It reads each byte once
// and allocates only a lower-cased copy of what it reads; it never tags,
// it only orders tier 2's work. Build one with NewPrefilter and share it.
type Prefilter struct {
	// plain marks the bytes that flag a path, query or form value, and
	// header those that flag a header value, where ';', '(' and ')' are
	// everyday punctuation (User-Agent, Accept); json those that flag a
	// JSON body, whose structure is made of quotes and braces.
	plain, header, json [256]bool
	keywords            [][]byte
	// first and second have bit k set, for each byte, when keyword k
	// starts with it (first) or has it second (second): a position of the
	// text is compared with the keywords of both its bytes only, so the
	// text is read once rather than once a keyword.
	first, second [256][2]uint64
}

// NewPrefilter builds the prefilter's tables.
func NewPrefilter() *Prefilter {
	p := &Prefilter{}
	for i, k := range prefilterKeywords() {
		if i == 128 || len(k) < 2 {
			break // TestPrefilterKeywords keeps the list within both
		}
		p.keywords = append(p.keywords, []byte(k))
		p.first[k[0]][i/64] |= 1 << (i % 64)
		p.second[k[1]][i/64] |= 1 << (i % 64)
	}
	for c := 0; c < 0x20; c++ {
		if c != '\t' {
			p.plain[c], p.header[c], p.json[c] = true, true, true
		}
	}
	for _, c := range []byte("'\"<>;|`$\\(){}") {
		p.plain[c] = true
	}
	for _, c := range []byte("'\"<>|`$\\{}") {
		p.header[c] = true
	}
	for _, c := range []byte("'<>;|`$\\") {
		p.json[c] = true
	}
	return p
}

// prefilterKeywords are lower-case words of two bytes or more (at most 128
// of them: the tables hold two words of bits) that, found anywhere, flag an
// exchange: SQL, script and event handlers, shell commands, files that
// attacks read, template and lookup syntax, URL schemes of inclusion and
// forgery, a URL as a parameter's value (=http, "http: a Referer's URL is
// not one), Java and its class names (deserialisation, OGNL, EL),
// prototype pollution, database catalogues, local addresses of forgery,
// and the names scanners give themselves.
func prefilterKeywords() []string {
	return []string{
		"select", "union", "insert", "update", "delete", "drop", "sleep", "benchmark", "waitfor", "having", "order by", " or ", " and ",
		"script", "javascript", "onerror", "onload", "alert", "eval", "iframe", "svg", "document.",
		"bin/", "cmd", "powershell", "wget", "curl", "nslookup", "whoami", "uname", "passwd", "shadow", "win.ini", "boot.ini", "/proc/", "/etc/",
		"..", "${", "{{", "<!", "jndi", "file:", "php:", "data:", "gopher:", "dict:", "expect:", "=http", "\"http", "=ftp", "=//",
		"java", "runtime", "processbuilder", "classloader", "ognl", "xwork", "org.apache", "com.sun", "codehaus", "springframework", "groovy", ".jsp",
		"__proto__", "constructor", "information_schema", "pg_", "/sys/", "localhost", "127.0.",
		"sqlmap", "nikto", "nmap", "masscan", "acunetix", "nessus", "zgrab", "dirbuster", "gobuster", "wpscan", "burp",
	}
}

// Suspect reports whether the prefilter flags x.
func (p *Prefilter) Suspect(x *engine.Exchange) bool {
	var buf [512]byte
	text := buf[:0]
	var hit bool
	if text, hit = p.scan(text, x.Path, &p.plain); hit {
		return true
	}
	if text, hit = p.scan(text, x.Query, &p.plain); hit {
		return true
	}
	for _, h := range x.ReqHeaders {
		if skippedHeader(h.Name) {
			continue
		}
		if text, hit = p.scan(text, h.Value, &p.header); hit {
			return true
		}
	}
	if body := x.ReqBody.Data; len(body) > 0 {
		flag := &p.plain
		if ct := x.ReqHeader("Content-Type"); strings.Contains(ct, "json") || strings.Contains(ct, "JSON") {
			flag = &p.json
		}
		if text, hit = p.scan(text, string(body), flag); hit {
			return true
		}
	}
	return p.hasKeyword(text)
}

// hasKeyword reports whether text holds one of the keywords.
func (p *Prefilter) hasKeyword(text []byte) bool {
	for i := 0; i+1 < len(text); i++ {
		f, s := &p.first[text[i]], &p.second[text[i+1]]
		for w := range 2 {
			for m := f[w] & s[w]; m != 0; m &= m - 1 {
				if bytes.HasPrefix(text[i:], p.keywords[w*64+bits.TrailingZeros64(m)]) {
					return true
				}
			}
		}
	}
	return false
}

// scan appends s, percent- and plus-decoded and lower-cased, to text (with
// a separator), and reports whether a decoded byte is one flag marks.
func (p *Prefilter) scan(text []byte, s string, flag *[256]bool) ([]byte, bool) {
	text = append(text, ' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		case c == '+':
			c = ' '
		}
		if flag[c] {
			return text, true
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		text = append(text, c)
	}
	return text, false
}

// skippedHeader lists headers whose values the protocol shapes and
// attacks do not travel in, and credentials, which are stored hashed.
func skippedHeader(name string) bool {
	for _, h := range [...]string{"host", "accept", "accept-encoding", "accept-language", "content-length", "content-type",
		"connection", "authorization", "cookie", "if-none-match", "if-modified-since", "cache-control"} {
		if len(h) == len(name) && strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}
