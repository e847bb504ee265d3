package detect

import (
	"strings"
	"unicode/utf8"
)

// maxDecodePasses bounds how often a value is URL-decoded. Attackers encode
// twice ("%252e%252e%252f") to slip past a filter that decodes once and an
// application that decodes again; three passes undo that and a third layer
// without letting a hostile value make decoding loop.
const maxDecodePasses = 3

// decoder URL-decodes values into buffers it keeps from one value to the
// next, so that decoding allocates only the resulting string, and only for
// a value that had something to decode.
type decoder struct {
	a, b []byte
}

// decode returns s as an application would read it: percent escapes and
// IIS-style %uXXXX escapes decoded, repeatedly while escapes remain (up to
// maxDecodePasses), and overlong two-byte UTF-8 forms of ASCII (%c0%ae for
// '.') and fullwidth forms ("＜" for '<') folded to ASCII. plus says whether '+' means a space, as it does in
// a query string or urlencoded form but not in a path or header; it applies
// to the first pass only, since a '+' that decoding produced was sent as
// "%2B" and means a plus. A malformed escape is kept as it was sent. When s
// has nothing to decode, s itself is returned and nothing is allocated.
func (d *decoder) decode(s string, plus bool) string {
	if !needsDecoding(s, plus) {
		return s
	}
	d.a = appendUnescape(d.a[:0], s, plus)
	for pass := 1; pass < maxDecodePasses && hasEscape(d.a); pass++ {
		d.b = appendUnescape(d.b[:0], d.a, false)
		d.a, d.b = d.b, d.a
	}
	d.a = foldToASCII(d.a)
	return string(d.a)
}

// needsDecoding reports whether decode would change s. The escapes are
// looked for with IndexByte, which compares many bytes at a time; the lead
// bytes of overlong and fullwidth forms are all at or above 0xc0, which the
// last loop tests with one comparison a byte.
func needsDecoding(s string, plus bool) bool {
	if strings.IndexByte(s, '%') >= 0 || plus && strings.IndexByte(s, '+') >= 0 {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xc0 && (c <= 0xc1 || c == 0xef) {
			return true
		}
	}
	return false
}

// hasEscape reports whether b holds a well-formed escape, which a further
// pass would decode.
func hasEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] == '%' {
			if _, n := unescapeAt(b, i); n > 0 {
				return true
			}
		}
	}
	return false
}

// appendUnescape appends s to dst with its escapes decoded.
func appendUnescape[T string | []byte](dst []byte, s T, plus bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if r, n := unescapeAt(s, i); n > 0 {
				if n == 3 {
					// A %XX escape is one byte, whatever UTF-8 it is
					// part of.
					dst = append(dst, byte(r))
				} else {
					dst = utf8.AppendRune(dst, r)
				}
				i += n - 1
				continue
			}
			dst = append(dst, c)
		case '+':
			if plus {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, c)
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// unescapeAt decodes the escape at s[i], which is '%': "%XX" yields one
// byte, "%uXXXX" one code point, with fullwidth ASCII forms (U+FF01 to
// U+FF5E, which IIS maps to ASCII) folded to ASCII. n is the length of the
// escape, 0 when it is malformed.
func unescapeAt[T string | []byte](s T, i int) (r rune, n int) {
	if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
		return rune(unhex(s[i+1])<<4 | unhex(s[i+2])), 3
	}
	if i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') &&
		isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]) {
		r = rune(unhex(s[i+2]))<<12 | rune(unhex(s[i+3]))<<8 | rune(unhex(s[i+4]))<<4 | rune(unhex(s[i+5]))
		if r >= 0xff01 && r <= 0xff5e {
			r -= 0xff01 - '!'
		}
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		return r, 6
	}
	return 0, 0
}

// foldToASCII rewrites, in place, spellings of ASCII that some
// decoders accept and filters miss: overlong two-byte encodings (0xc0 or
// 0xc1 and a continuation byte), which is why "%c0%ae%c0%ae/" is a classic
// traversal, U+2215 and U+2216 (IIS's '/' and '\\' in "..%u2215"), and the
// fullwidth forms U+FF01 to U+FF5E ("＜script＞"), which IIS and Unicode
// normalisation (NFKC) map to ASCII.
func foldToASCII(b []byte) []byte {
	j := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case (c == 0xc0 || c == 0xc1) && i+1 < len(b) && b[i+1]&0xc0 == 0x80:
			b[j] = (c&1)<<6 | b[i+1]&0x3f
			j++
			i++
			continue
		case c == 0xef && i+2 < len(b) && (b[i+1] == 0xbc || b[i+1] == 0xbd) && b[i+2]&0xc0 == 0x80:
			// U+FF00+n is EF BC 80+n for n < 64 and EF BD 80+n-64 above.
			if n := int(b[i+2]&0x3f) + int(b[i+1]-0xbc)*64; n >= 1 && n <= 0x5e {
				b[j] = byte(n + 0x20)
				j++
				i += 2
				continue
			}
		case c == 0xe2 && i+2 < len(b) && b[i+1] == 0x88 && (b[i+2] == 0x95 || b[i+2] == 0x96):
			// U+2215 DIVISION SLASH and U+2216 SET MINUS, which IIS
			// read as '/' and '\\' ("..%u2215..%u2215etc").
			b[j] = "/\\"[b[i+2]-0x95]
			j++
			i += 2
			continue
		}
		b[j] = c
		j++
	}
	return b[:j]
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
	default:
		return c - 'A' + 10
	}
}
