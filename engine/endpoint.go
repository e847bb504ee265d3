package engine

import (
	"strings"
)

// Endpoint templates a path so that requests to one resource share a name:
// /users/123 → /users/{id}, /orders/6f1c…-…  → /orders/{uuid}. Numbers, UUIDs,
// long hex strings, long base64-like tokens and keyed hashes are replaced;
// words are kept.
func Endpoint(path string) string {
	if path == "" {
		return "/"
	}
	// Most paths name a resource by words alone (/, /blog/, /style.css)
	// and template to themselves: return them without building a copy.
	rest := path
	for {
		seg, after, more := strings.Cut(rest, "/")
		if templateSegment(seg) != seg {
			break
		}
		if !more {
			return path
		}
		rest = after
	}
	var b strings.Builder
	b.Grow(len(path))
	first := true
	for seg := range strings.SplitSeq(path, "/") {
		if !first {
			b.WriteByte('/')
		}
		first = false
		b.WriteString(templateSegment(seg))
	}
	return b.String()
}

func templateSegment(seg string) string {
	switch {
	case seg == "":
		return seg
	case isDigits(seg):
		return "{id}"
	case isUUID(seg):
		return "{uuid}"
	case IsHashed(seg):
		// A hashed context value scrubbed out of the path.
		return "{hash}"
	case len(seg) >= 8 && isHex(seg) && hasDigit(seg):
		return "{hex}"
	case len(seg) >= 20 && isTokenLike(seg):
		return "{token}"
	}
	return seg
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
			continue
		}
		if !isHex(s[i : i+1]) {
			return false
		}
	}
	return true
}

// isTokenLike is a long run of base64url characters mixing letters and
// digits, as opaque ids are; a long plain word is not one.
func isTokenLike(s string) bool {
	letters, digits := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters = true
		case c == '-' || c == '_' || c == '=' || c == '+':
		default:
			return false
		}
	}
	return letters && digits
}

// Template returns the exchange's endpoint template: the analyzer's, or
// the path's for an exchange stored before the analyzer filled it in.
func (x *Exchange) Template() string {
	if x.Endpoint != "" {
		return x.Endpoint
	}
	return Endpoint(x.Path)
}
