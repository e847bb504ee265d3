package engine

import (
	"strings"
)

// RedactSecrets replaces credentials in x with their keyed hashes before x is
// stored: the Authorization credentials (the scheme stays readable), every
// Cookie value and every Set-Cookie value (names and attributes stay). Call it
// after grouping has read the clear values. Applied to an exchange already
// redacted it changes nothing, since a hash hashes to itself.
func (h Hasher) RedactSecrets(x *Exchange) {
	for i := range x.ReqHeaders {
		hd := &x.ReqHeaders[i]
		switch {
		case strings.EqualFold(hd.Name, "Authorization"), strings.EqualFold(hd.Name, "Proxy-Authorization"):
			hd.Value = h.redactAuthorization(hd.Value)
		case strings.EqualFold(hd.Name, "Cookie"):
			hd.Value = h.redactCookie(hd.Value)
		}
	}
	for i := range x.RespHeaders {
		hd := &x.RespHeaders[i]
		if strings.EqualFold(hd.Name, "Set-Cookie") {
			hd.Value = h.redactSetCookie(hd.Value)
		}
	}
}

func (h Hasher) redactAuthorization(v string) string {
	v = strings.TrimSpace(v)
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return h.Hash(v)
	}
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Basic") {
		// Group by the user, not by the password: keep the hash of the user
		// name, which is what req.basic yields for a stored copy.
		if user := basicUser(v); user != "" {
			return scheme + " " + h.Hash(user)
		}
	}
	if strings.EqualFold(scheme, "Bearer") {
		return scheme + " " + h.RedactToken(cred)
	}
	return scheme + " " + h.Hash(cred)
}

// RedactToken is the stored form of a bearer token, sent or returned at
// login. A JWT keeps its header and claims and loses its signature to the
// hash of the whole token: it can no longer be replayed, req.bearer still
// yields the same identity, and grouping by claims works on stored history
// when the keys change. A JWT whose signature is empty or too short to be
// one ("alg":"none", or a token that only looks like a JWT) is its own
// replay, so like any other token it becomes its hash. A stored token is
// returned as it is.
func (h Hasher) RedactToken(tok string) string {
	if _, _, stored := cutRedactedJWT(tok); stored {
		return tok
	}
	var buf [512]byte // most claims fit: decoding them then allocates nothing
	if claims, ok := jwtPayload(tok, buf[:0]); ok && len(claims) > 0 && jwtSigned(tok) {
		return tok[:strings.LastIndexByte(tok, '.')] + "." + h.Hash(tok)
	}
	return h.Hash(tok)
}

// minJWTSignature is the shortest signature segment RedactToken treats as
// one. Real signatures are longer (HS256 gives 43 characters), and a
// segment of the base64 alphabet longer than "hmac" cannot be a prefix of
// the "hmac:…" that replaces it, so the stored form never holds the token.
const minJWTSignature = 8

// jwtSigned reports whether the last segment of tok looks like a
// signature: at least minJWTSignature characters of the base64 alphabets.
func jwtSigned(tok string) bool {
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	if len(sig) < minJWTSignature {
		return false
	}
	for i := 0; i < len(sig); i++ {
		switch c := sig[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '+', c == '/', c == '=':
		default:
			return false
		}
	}
	return true
}

// redactCookie hashes the value of every pair of a Cookie header and
// normalises the separators to "; ". A part without "=" is kept as it is.
func (h Hasher) redactCookie(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 32)
	first := true
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ";")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !first {
			b.WriteString("; ")
		}
		first = false
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			b.WriteString(part)
			continue
		}
		b.WriteString(strings.TrimSpace(k))
		b.WriteByte('=')
		b.WriteString(h.redactCookieValue(val))
	}
	return b.String()
}

// redactCookieValue is the stored form of a cookie value: its hash, or
// nothing for an empty value, which is no secret and which no cookie key
// reads, so that a stored copy groups as the clear one did (a logout's
// "sid=; Max-Age=0" must not become a session).
func (h Hasher) redactCookieValue(val string) string {
	if cookieText(val) == "" {
		return ""
	}
	return h.Hash(cookieText(val))
}

func (h Hasher) redactSetCookie(v string) string {
	pair, attrs, hasAttrs := strings.Cut(v, ";")
	k, val, ok := strings.Cut(pair, "=")
	if !ok {
		return v
	}
	out := strings.TrimSpace(k) + "=" + h.redactCookieValue(val)
	if hasAttrs {
		out += ";" + attrs
	}
	return out
}
