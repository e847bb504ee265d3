package detect

import (
	"hash/maphash"
	"sync/atomic"
)

// cacheSlots is the size of the clean-header cache: enough for the
// User-Agents and Referers of a busy API's active clients.
const cacheSlots = 4096

// headerCache remembers header values tier 1 found clean, so that the
// User-Agent and Referer a client repeats on every request are parsed by
// libinjection once rather than on each exchange; a second one remembers
// clean paths. It is direct-mapped and
// lock-free: a slot holds the last clean value hashed to it, a lookup
// compares the whole value, and a collision only costs a re-check. Only
// clean verdicts are kept, and a value's checks depend on nothing but the
// value and whether it is a User-Agent, so the cache can never hide a
// finding. It is safe for concurrent use.
type headerCache struct {
	seed  maphash.Seed
	slots [cacheSlots]cacheSlot
}

// cacheSlot holds one clean value and its hash. The hash sits in the slot
// itself so that a lookup of a value never seen, which usually finds
// another value there, is answered without following the pointer to it
// and reading its bytes (two cache misses a header on a busy proxy). The
// two are stored separately, so a reader may see the hash of one value
// and the entry of another: the hash only ever rejects, and a match is
// always confirmed on the entry, so a torn slot costs a re-check, never a
// wrong answer.
type cacheSlot struct {
	hash  atomic.Uint64
	entry atomic.Pointer[cachedHeader]
}

// cachedHeader is one clean value.
type cachedHeader struct {
	ua    bool
	value string
}

func newHeaderCache() *headerCache {
	return &headerCache{seed: maphash.MakeSeed()}
}

// lookup reports whether v is known clean, and returns its slot and hash,
// with which remember records it if the checks find it clean: the value
// is hashed once.
func (c *headerCache) lookup(ua bool, v string) (clean bool, slot *cacheSlot, h uint64) {
	h = maphash.String(c.seed, v)
	if ua {
		h = ^h
	}
	slot = &c.slots[h%cacheSlots]
	if slot.hash.Load() != h {
		return false, slot, h
	}
	e := slot.entry.Load()
	return e != nil && e.ua == ua && e.value == v, slot, h
}

// remember records in slot that v, whose hash is h (both from lookup), was
// found clean.
func (c *headerCache) remember(slot *cacheSlot, h uint64, ua bool, v string) {
	if len(v) > 1024 {
		return // rare and costly to compare; not worth a slot
	}
	slot.entry.Store(&cachedHeader{ua: ua, value: v})
	slot.hash.Store(h)
}
