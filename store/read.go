package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// Sessions returns sessions, most recently active first; limit <= 0 returns
// all of them.
func (s *Store) Sessions(limit int) ([]engine.Session, error) {
	var out []engine.Session
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketSessions)).ForEach(func(_, v []byte) error {
			sess, err := decodeSession(v)
			if err != nil {
				return err
			}
			out = append(out, sess)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	slices.SortFunc(out, func(a, b engine.Session) int {
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Session returns one session by id.
func (s *Store) Session(id string) (engine.Session, error) {
	var sess engine.Session
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketSessions)).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("session %s: %w", id, ErrNotFound)
		}
		var err error
		sess, err = decodeSession(v)
		return err
	})
	return sess, err
}

// ActiveSince returns the sessions seen at or after t, for the sessionizer
// to continue after a restart.
func (s *Store) ActiveSince(t time.Time) ([]engine.Session, error) {
	all, err := s.Sessions(0)
	if err != nil {
		return nil, err
	}
	n, _ := slices.BinarySearchFunc(all, t, func(sess engine.Session, t time.Time) int {
		return t.Compare(sess.LastSeen) // all is sorted newest first
	})
	return all[:n], nil
}

// Requests returns a session's exchanges in order, without body data.
func (s *Store) Requests(sessionID string) ([]engine.Exchange, error) {
	var out []engine.Exchange
	err := s.db.View(func(tx *bolt.Tx) error {
		xs := tx.Bucket([]byte(bucketExchanges))
		prefix := sessionPrefix(sessionID)
		c := tx.Bucket([]byte(bucketSessionExchanges)).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := k[len(prefix):]
			v := xs.Get(id)
			if v == nil {
				continue // removed by retention after the index entry was read
			}
			x, err := decodeExchange(v)
			if err != nil {
				return fmt.Errorf("exchange %d: %w", binary.BigEndian.Uint64(id), err)
			}
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read requests of session %s: %w", sessionID, err)
	}
	return out, nil
}

// Exchange returns one exchange with its captured bodies.
func (s *Store) Exchange(id uint64) (engine.Exchange, error) {
	var x engine.Exchange
	err := s.db.View(func(tx *bolt.Tx) error {
		key := u64(id)
		v := tx.Bucket([]byte(bucketExchanges)).Get(key)
		if v == nil {
			return fmt.Errorf("exchange %d: %w", id, ErrNotFound)
		}
		var err error
		if x, err = decodeExchange(v); err != nil {
			return err
		}
		if b := tx.Bucket([]byte(bucketBodies)).Get(key); b != nil {
			x.ReqBody.Data, x.RespBody.Data, err = decodeBodies(b)
		}
		return err
	})
	return x, err
}

// Count returns the number of stored exchanges and sessions.
func (s *Store) Count() (exchanges, sessions int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		exchanges = tx.Bucket([]byte(bucketExchanges)).Stats().KeyN
		sessions = tx.Bucket([]byte(bucketSessions)).Stats().KeyN
		return nil
	})
	return exchanges, sessions, err
}
