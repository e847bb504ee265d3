package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashPrefix marks a value that was replaced by its keyed hash.
const hashPrefix = "hmac:"

// hashHexLen is how many hex digits of the HMAC are kept: 96 bits, enough
// that two distinct values of one store never share an identity.
const hashHexLen = 24

// Hasher computes keyed hashes (HMAC-SHA256) with a per-store secret, so that
// a stolen store file does not let anyone confirm a guessed token offline.
type Hasher struct {
	secret []byte
}

// NewHasher returns a Hasher keyed with secret. The store creates the secret
// once, at random, and keeps it in the file.
func NewHasher(secret []byte) Hasher {
	return Hasher{secret: append([]byte(nil), secret...)}
}

// Hash returns "hmac:" followed by hex digits. A value that is already a hash
// is returned unchanged, so grouping on stored (hashed) copies yields the same
// identities as grouping on the clear values did.
func (h Hasher) Hash(value string) string {
	if IsHashed(value) {
		return value
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write([]byte(value))
	sum := mac.Sum(nil)
	return hashPrefix + hex.EncodeToString(sum)[:hashHexLen]
}

// IsHashed reports whether s has the form Hasher.Hash produces.
func IsHashed(s string) bool {
	rest, ok := strings.CutPrefix(s, hashPrefix)
	if !ok || len(rest) != hashHexLen {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
