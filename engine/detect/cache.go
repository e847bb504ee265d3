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
// libinjection once rather than on each exchange. It is direct-mapped and
// lock-free: a slot holds the last clean value hashed to it, a lookup
// compares the whole value, and a collision only costs a re-check. Only
// clean verdicts are kept, and a value's checks depend on nothing but the
// value and whether it is a User-Agent, so the cache can never hide a
// finding. It is safe for concurrent use.
type headerCache struct {
	seed  maphash.Seed
	slots [cacheSlots]atomic.Pointer[cachedHeader]
}

// cachedHeader is one clean value.
type cachedHeader struct {
	ua    bool
	value string
}

func newHeaderCache() *headerCache {
	return &headerCache{seed: maphash.MakeSeed()}
}

func (c *headerCache) slot(ua bool, v string) *atomic.Pointer[cachedHeader] {
	h := maphash.String(c.seed, v)
	if ua {
		h = ^h
	}
	return &c.slots[h%cacheSlots]
}

// clean reports whether v is known clean.
func (c *headerCache) clean(ua bool, v string) bool {
	e := c.slot(ua, v).Load()
	return e != nil && e.ua == ua && e.value == v
}

// remember records that v was found clean.
func (c *headerCache) remember(ua bool, v string) {
	if len(v) > 1024 {
		return // rare and costly to compare; not worth a slot
	}
	c.slot(ua, v).Store(&cachedHeader{ua: ua, value: v})
}
