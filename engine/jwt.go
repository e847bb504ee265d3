package engine

import (
	"strings"
)

// JWT claims are decoded without verifying the signature: spoor uses them to
// group and to label traffic, never to authorise, and it does not hold the
// keys anyway.

// jwtPayload decodes the claims of a compact JWS (header.payload.signature)
// into dst's storage and returns them, or false when token is not a JWT
// whose payload is a JSON object. Encrypted tokens (JWE, five parts) carry
// no readable claims.
func jwtPayload(token string, dst []byte) ([]byte, bool) {
	_, rest, ok := strings.Cut(token, ".")
	if !ok {
		return dst, false
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok || payload == "" || strings.Contains(sig, ".") {
		return dst, false
	}
	dst, ok = decodeBase64URL(dst[:0], strings.TrimRight(payload, "="))
	return dst, ok && jsonObject(dst)
}

// decodeBase64URL appends the decoding of unpadded base64 s to dst. It
// accepts both the URL-safe and the standard alphabet, since some issuers
// use the latter, and decodes from the string directly because the
// encoding/base64 decoders take a []byte and would cost a copy per token.
func decodeBase64URL(dst []byte, s string) ([]byte, bool) {
	if len(s)%4 == 1 {
		return dst, false
	}
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		var v byte
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '-' || c == '+':
			v = 62
		case c == '_' || c == '/':
			v = 63
		default:
			return dst, false
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits))
		}
	}
	return dst, true
}

// jwtClaim returns claim name from decoded claims. A name is first looked up
// whole, since namespaced claims contain dots ("https://example.com/roles"),
// then as a dotted path into nested claims ("realm_access.roles.0").
func jwtClaim(claims []byte, name string) string {
	if raw, ok := jsonLookup(claims, name, true); ok {
		return jsonText(raw)
	}
	if strings.Contains(name, ".") {
		if raw, ok := jsonLookup(claims, name, false); ok {
			return jsonText(raw)
		}
	}
	return ""
}

// carriedToken extracts a JWT from a header or cookie value, which may carry
// a scheme ("Bearer eyJ...").
func carriedToken(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		v = v[i+1:]
	}
	return v
}

// jsonObject reports whether b is, after white space, a JSON object.
func jsonObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '{'
	}
	return false
}
