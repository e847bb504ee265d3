package store

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// OldestSessions returns the limit least recently active sessions, most
// recently active first: the end of the order Sessions reads, without
// reading the rest. It lets a list jump to its last page on a store of any
// size (the TUI's G), where paging there through SessionsPage would decode
// every session. limit <= 0 reads readChunk sessions.
func (s *Store) OldestSessions(limit int) ([]engine.Session, error) {
	if limit <= 0 {
		limit = readChunk
	}
	var out []engine.Session
	var after []byte // the last key read, to resume after in the next chunk
	for len(out) < limit {
		n := min(readChunk, limit-len(out))
		var chunk []engine.Session
		err := s.db.View(func(tx *bolt.Tx) error {
			g, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			c := g.lastSeen.Cursor()
			k, seq := c.First()
			if after != nil {
				k, seq = c.Seek(after)
				if k != nil && string(k) == string(after) {
					k, seq = c.Next()
				}
			}
			for ; k != nil && len(chunk) < n; k, seq = c.Next() {
				sess, err := g.lastSeenSession(k, seq)
				if err != nil {
					return err
				}
				chunk = append(chunk, sess)
				after = append(after[:0], k...)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read oldest sessions: %w", err)
		}
		out = append(out, chunk...)
		if len(chunk) < n {
			break
		}
	}
	slices.Reverse(out)
	return out, nil
}
