package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The lookups below serve the query planner (package query): instead of one
// value, they take a predicate over the values an index files, and visit
// each distinct value once per epoch, seeking past the keys of a value the
// predicate refuses. A value cut to maxIndexValue bytes is always accepted,
// since its tail is unknown; the caller's filter decides.

// SessionIDsMatching returns the ids of the sessions filed under a value of
// field that accept takes, in id order: for a request-level field, the
// sessions with at least one such request. The session-level index answers
// when the field has both. A field without an index is ErrNotIndexed.
func (s *Store) SessionIDsMatching(field string, accept func(value string) bool) ([]string, error) {
	xi, si := s.fieldIndex(field)
	if xi < 0 && si < 0 {
		return nil, fmt.Errorf("%s: %w", field, ErrNotIndexed)
	}
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		if si >= 0 {
			c := g.sidx[si].Cursor()
			return eachValue(c, c.First, nil, accept, func(prefix []byte) error {
				for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					out = append(out, string(k[len(prefix):]))
				}
				return nil
			})
		}
		seen := map[string]bool{}
		err = forEachEpoch(g.xidx[xi].Cursor(), nil, func(c *bolt.Cursor, epoch []byte) error {
			first := func() ([]byte, []byte) { return c.Seek(epoch) }
			return eachValue(c, first, epoch, accept, func(prefix []byte) error {
				for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); {
					sid, _, ok := splitExchangeIndexKey(k, len(prefix))
					if !ok {
						return fmt.Errorf("index %s key %x: %w", field, k, ErrCorrupt)
					}
					if !seen[string(sid)] {
						seen[string(sid)] = true
						out = append(out, string(sid))
					}
					k, _ = c.Seek(append(append(append([]byte(nil), prefix...), sid...), 1))
				}
				return nil
			})
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("look up sessions by %s: %w", field, err)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return out, nil
}

// ExchangeIDsMatching returns the ids of the exchanges filed under a value
// of field that accept takes, of one session if sessionID is not empty, in
// id order. Only request-level fields can answer.
func (s *Store) ExchangeIDsMatching(field string, accept func(value string) bool, sessionID string) ([]uint64, error) {
	xi, _ := s.fieldIndex(field)
	if xi < 0 {
		return nil, fmt.Errorf("%s per request: %w", field, ErrNotIndexed)
	}
	var out []uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		return forEachEpoch(g.xidx[xi].Cursor(), nil, func(c *bolt.Cursor, epoch []byte) error {
			first := func() ([]byte, []byte) { return c.Seek(epoch) }
			return eachValue(c, first, epoch, accept, func(prefix []byte) error {
				if sessionID != "" {
					prefix = append(append(slices.Clip(prefix), sessionID...), 0)
				}
				for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
					if out, err = appendPostingIDs(out, k, v); err != nil {
						return fmt.Errorf("index %s: %w", field, err)
					}
				}
				return nil
			})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("look up requests by %s: %w", field, err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// eachValue walks the distinct values under head (an epoch, or nothing)
// from the key first positions c at, and calls fn with head plus the
// length-prefixed value of each one accept takes; it then seeks past that
// value's keys, wherever fn left the cursor.
func eachValue(c *bolt.Cursor, first func() ([]byte, []byte), head []byte, accept func(string) bool, fn func(prefix []byte) error) error {
	for k, _ := first(); k != nil && bytes.HasPrefix(k, head); {
		rest := k[len(head):]
		n, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < n {
			return fmt.Errorf("index key %x: %w", k, ErrCorrupt)
		}
		value := string(rest[w : w+int(n)])
		prefix := slices.Clone(k[:len(head)+w+int(n)])
		if len(value) >= maxIndexValue || accept(value) {
			if err := fn(prefix); err != nil {
				return err
			}
		} else if k = stepPast(c, prefix); k != nil {
			continue
		}
		end := prefixEnd(prefix)
		if end == nil {
			return nil
		}
		k, _ = c.Seek(end)
	}
	return nil
}

// stepShort is how many keys stepPast reads before it gives up for a
// seek: most values an index files hold a few keys an epoch (one list
// per session), and stepping to the next key is cheaper than a seek from
// the root.
const stepShort = 4

// stepPast moves c, which is on a key with prefix, to the first key past
// prefix if it is within stepShort keys, and returns it; else nil, with
// c anywhere, for the caller to seek. The end of the bucket is nil too.
func stepPast(c *bolt.Cursor, prefix []byte) []byte {
	for range stepShort {
		k, _ := c.Next()
		if k == nil {
			return nil
		}
		if !bytes.HasPrefix(k, prefix) {
			return k
		}
	}
	return nil
}

// prefixEnd is the first key after every key with prefix p, or nil when
// there is none.
func prefixEnd(p []byte) []byte {
	end := slices.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
