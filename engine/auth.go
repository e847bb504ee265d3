package engine

import (
	"encoding/base64"
	"strings"
)

// bearerToken returns the token of an "Authorization: Bearer" value.
func bearerToken(auth string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
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
