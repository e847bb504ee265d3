package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// SessionIDsWith returns the ids of the sessions indexed under field =
// value, in id order: for a request-level field, the sessions with at least
// one such request. A value longer than the index keeps matches every value
// sharing its indexed prefix, so the caller's filter still decides. A field
// without an index is ErrNotIndexed.
func (s *Store) SessionIDsWith(field, value string) ([]string, error) {
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
			prefix := appendIndexValue(nil, value)
			c := g.sidx[si].Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				out = append(out, string(k[len(prefix):]))
			}
			return nil
		}
		// In each epoch a value's keys are grouped by session: take the
		// first of each session, then seek past the rest of its keys.
		seen := map[string]bool{}
		err = forEachEpoch(g.xidx[xi].Cursor(), valuePrefix(value), func(c *bolt.Cursor, prefix []byte) error {
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
		slices.Sort(out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("look up sessions with %s:%s: %w", field, value, err)
	}
	return out, nil
}

// ExchangeIDsWith returns the ids of the exchanges indexed under field =
// value, of one session if sessionID is not empty, in session then id
// order. Only request-level fields can answer; see IndexedFields.
func (s *Store) ExchangeIDsWith(field, value, sessionID string) ([]uint64, error) {
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
		collect := func(c *bolt.Cursor, prefix []byte) error {
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if _, _, ok := splitExchangeIndexKey(k, epochLen+len(valuePrefix(value))); !ok {
					return fmt.Errorf("index %s key %x: %w", field, k, ErrCorrupt)
				}
				if out, err = appendPostingIDs(out, k, v); err != nil {
					return fmt.Errorf("index %s: %w", field, err)
				}
			}
			return nil
		}
		c := g.xidx[xi].Cursor()
		if sessionID == "" {
			return forEachEpoch(c, valuePrefix(value), collect)
		}
		// One session's requests lie in the epochs its header bounds.
		_, v := g.session([]byte(sessionID))
		if v == nil {
			return nil
		}
		h, _, err := readSessionHeader(v)
		if err != nil {
			return err
		}
		for from := h.first; from <= h.last; from = nextEpoch(from) {
			prefix := appendEpoch(nil, from)
			prefix = appendIndexValue(prefix, value)
			prefix = append(append(prefix, sessionID...), 0)
			if err := collect(c, prefix); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up requests with %s:%s: %w", field, value, err)
	}
	return out, nil
}

// valuePrefix is the length-prefixed value of an index key.
func valuePrefix(value string) []byte { return appendIndexValue(nil, value) }

// forEachEpoch calls fn with the prefix epoch + rest for each epoch present
// in the bucket c walks, oldest first, seeking from one epoch to the next so
// that epochs emptied by retention cost nothing.
func forEachEpoch(c *bolt.Cursor, rest []byte, fn func(c *bolt.Cursor, prefix []byte) error) error {
	for k, _ := c.First(); k != nil; {
		if len(k) < epochLen {
			return fmt.Errorf("index key %x: %w", k, ErrCorrupt)
		}
		epoch := binary.BigEndian.Uint32(k)
		prefix := append(binary.BigEndian.AppendUint32(nil, epoch), rest...)
		if err := fn(c, prefix); err != nil {
			return err
		}
		if epoch == math.MaxUint32 {
			return nil
		}
		k, _ = c.Seek(binary.BigEndian.AppendUint32(nil, epoch+1))
	}
	return nil
}

// fieldIndex returns the position of field's request-level and
// session-level index, each -1 when there is none.
func (s *Store) fieldIndex(field string) (xi, si int) {
	xi, si = -1, -1
	for i, idx := range s.xidx {
		if idx.field == field {
			xi = i
		}
	}
	for i, idx := range s.sidx {
		if idx.field == field {
			si = i
		}
	}
	return xi, si
}
