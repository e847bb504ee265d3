package engine

import (
	"encoding/base64"
	"strings"
)

// bearerToken returns the token of an "Authorization: Bearer" value.
func bearerToken(auth string) string {
	token := bearerCredential(auth)
	if _, sig, ok := cutRedactedJWT(token); ok {
		return sig // a stored JWT: its identity is the hash in the signature slot
	}
	return token
}

// bearerCredential is the credential of a Bearer Authorization header as it
// stands: a clear token, or a stored (redacted) one.
func bearerCredential(auth string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// cutRedactedJWT splits a bearer JWT as the store keeps it, header and
// claims followed by the keyed hash of the whole token in place of the
// signature, into the readable part and that hash.
func cutRedactedJWT(token string) (headerClaims, hash string, ok bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || !IsHashed(token[i+1:]) {
		return "", "", false
	}
	return token[:i], token[i+1:], true
}

// basicUser returns the user name of an "Authorization: Basic" value, never
// the password.
func basicUser(auth string) string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return ""
	}
	cred = strings.TrimSpace(cred)
	if IsHashed(cred) {
		return cred // stored copies keep only the hash of the user name
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return ""
	}
	user, _, _ := strings.Cut(string(raw), ":")
	return user
}
