package engine

import (
	"slices"
	"time"
)

// maxAliases bounds the aliases a Sessionizer keeps between evictions: a
// login answer sets one or two session cookies, and an alias lives as long
// as the part it leads to.
const maxAliases = 1 << 16

// alias makes a credential value stand for another actor's identity: the
// session cookie a login sets beside the token it returns stands for the
// token's identity, so that a browser that sends the cookie and an app
// that sends the token after the same kind of login each show as one
// session.
type alias struct {
	id   Identity
	last time.Time // the latest request that used the alias, for Evict
}

// identify returns the identity of the exchange v reads: the first key's,
// or the identity its value is an alias of. An exchange identified by the
// token its answer returns makes the session cookies that answer sets
// aliases of that identity.
func (z *Sessionizer) identify(v *View) Identity {
	id, returned := z.ids.identify(v)
	x := v.Exchange()
	if returned {
		z.aliasCookies(v, id)
		return id
	}
	if a, ok := z.aliases[id.Value]; ok {
		if x.Start.After(a.last) {
			a.last = x.Start
			z.aliases[id.Value] = a
		}
		return a.id
	}
	return id
}

// aliasCookies makes the value of every response-cookie key that the
// answer v reads sets an alias of id.
func (z *Sessionizer) aliasCookies(v *View, id Identity) {
	for i := range z.keys {
		k := &z.keys[i]
		if len(k.Parts) != 1 || k.Parts[0].Kind != PointRespCookie {
			continue
		}
		val := v.Value(k.Parts[0])
		if val == "" {
			continue
		}
		if len(z.aliases) >= maxAliases {
			z.trimAliases(v.Exchange().Start)
		}
		// The cookie's identity, as req.cookie.<name> will yield it:
		// the keyed hash of its value (a stored copy holds the hash,
		// which hashes to itself).
		z.aliases[z.ids.hasher.Hash(val)] = alias{id: id, last: v.Exchange().Start}
	}
}

// evictAliases forgets aliases unused for longer than the inactivity gap.
func (z *Sessionizer) evictAliases(now time.Time) {
	for k, a := range z.aliases {
		if now.Sub(a.last) > z.inactivity {
			delete(z.aliases, k)
		}
	}
}

// trimAliases makes room for new aliases when the table is full: it
// forgets the idle ones and, if that is not enough, the least recently used
// quarter. Clearing the whole table instead would let one actor who logs in
// 65,536 times split every other user's session at once.
func (z *Sessionizer) trimAliases(now time.Time) {
	z.evictAliases(now)
	if len(z.aliases) < maxAliases {
		return
	}
	lasts := make([]time.Time, 0, len(z.aliases))
	for _, a := range z.aliases {
		lasts = append(lasts, a.last)
	}
	slices.SortFunc(lasts, time.Time.Compare)
	cut := lasts[len(lasts)/4]
	for k, a := range z.aliases {
		if !a.last.After(cut) {
			delete(z.aliases, k)
		}
	}
}
