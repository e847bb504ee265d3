package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// hashPrefix marks a value that was replaced by its keyed hash.
const hashPrefix = "hmac:"

// hashHexLen is how many hex digits of the HMAC are kept: 96 bits, enough
// that two distinct values of one store never share an identity.
const hashHexLen = 24

// hashBlock is SHA-256's block size, the width of the HMAC key pads.
const hashBlock = 64

// Hasher computes keyed hashes (HMAC-SHA256) with a per-store secret, so that
// a stolen store file does not let anyone confirm a guessed token offline.
// A Hasher holds no mutable state and may be copied and shared between
// goroutines.
type Hasher struct {
	// pads holds the inner and outer HMAC key pads, computed once so that a
	// hash costs no allocation. It is nil in the zero Hasher, which hashes
	// with an empty secret.
	pads *hmacPads
}

type hmacPads struct {
	inner, outer [hashBlock]byte
}

// NewHasher returns a Hasher keyed with secret. The store creates the secret
// once, at random, and keeps it in the file.
func NewHasher(secret []byte) Hasher {
	return Hasher{pads: newHMACPads(secret)}
}

// newHMACPads derives the pads of RFC 2104: a key longer than a block is
// first replaced by its digest.
func newHMACPads(secret []byte) *hmacPads {
	var key [hashBlock]byte
	if len(secret) > hashBlock {
		sum := sha256.Sum256(secret)
		copy(key[:], sum[:])
	} else {
		copy(key[:], secret)
	}
	p := &hmacPads{}
	for i, k := range key {
		p.inner[i] = k ^ 0x36
		p.outer[i] = k ^ 0x5c
	}
	return p
}

// Hash returns "hmac:" followed by hex digits. A value that is already a hash
// is returned unchanged, so grouping on stored (hashed) copies yields the same
// identities as grouping on the clear values did.
func (h Hasher) Hash(value string) string {
	if IsHashed(value) {
		return value
	}
	pads := h.pads
	if pads == nil {
		pads = newHMACPads(nil)
	}
	// HMAC is computed by hand on stack buffers rather than with crypto/hmac,
	// which allocates eight times per call; the analyzer hashes several values
	// per exchange.
	var stack [256]byte
	in := append(stack[:0], pads.inner[:]...)
	in = append(in, value...)
	inner := sha256.Sum256(in)
	var out [hashBlock + sha256.Size]byte
	copy(out[:], pads.outer[:])
	copy(out[hashBlock:], inner[:])
	sum := sha256.Sum256(out[:])
	var text [len(hashPrefix) + hashHexLen]byte
	copy(text[:], hashPrefix)
	hex.Encode(text[len(hashPrefix):], sum[:hashHexLen/2])
	return string(text[:])
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
