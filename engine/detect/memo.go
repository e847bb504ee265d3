package detect

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/spoorhq/spoor/engine"
)

// memoSize bounds the Core Rule Set memo; when full it starts over.
const memoSize = 4096

// tier2Memo remembers the tags tier 2 returned for recent requests. The
// Core Rule Set's verdict depends only on what it is given: the client
// address, method, path, query, request headers and body, and the tier-1
// tags (themselves a function of the same request). A scanner or a client
// that repeats a request byte for byte, as attack tools and retries do,
// costs 1–5 ms of CPU the first time and a hash after that. The key is two
// independent 64-bit hashes of those inputs, so a collision would need
// both to collide. It is safe for concurrent use.
type tier2Memo struct {
	seeds [2]maphash.Seed
	mu    sync.Mutex
	seen  map[[2]uint64][]engine.AttackTag
}

func newTier2Memo() *tier2Memo {
	return &tier2Memo{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[[2]uint64][]engine.AttackTag{}}
}

// key hashes everything tier 2 reads of x, and the tier-1 tags.
func (m *tier2Memo) key(x *engine.Exchange, tags []engine.AttackTag) [2]uint64 {
	var k [2]uint64
	for i, seed := range m.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		field := func(s string) {
			h.WriteString(s)
			h.WriteByte(0)
		}
		field(x.ClientIP)
		field(x.Method)
		field(x.Host)
		field(x.Path)
		field(x.Query)
		for _, hd := range x.ReqHeaders {
			field(hd.Name)
			field(hd.Value)
		}
		h.WriteByte(1)
		h.Write(x.ReqBody.Data)
		h.WriteByte(0)
		for _, t := range tags {
			field(t.Type)
			field(t.Point)
			field(t.Rule)
			field(t.Fragment)
			field(t.Message)
		}
		k[i] = h.Sum64()
	}
	return k
}

// get returns a copy of the tags remembered for k.
func (m *tier2Memo) get(k [2]uint64) ([]engine.AttackTag, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tags, ok := m.seen[k]
	return slices.Clone(tags), ok
}

// put remembers a copy of tags for k.
func (m *tier2Memo) put(k [2]uint64, tags []engine.AttackTag) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.seen) >= memoSize {
		clear(m.seen)
	}
	m.seen[k] = slices.Clone(tags)
}
