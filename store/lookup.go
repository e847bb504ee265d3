package store

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

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
