package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// readChunk bounds what one read transaction decodes. A long read
// transaction would stall the writer whenever bbolt must grow its memory
// map, so reads that may return many records take several short ones.
const readChunk = 1000

// PageToken resumes a paged read where the previous page ended. The zero
// token starts at the beginning; a returned zero token means there is no
// next page.
type PageToken string

// Sessions returns sessions, most recently active first; limit <= 0 returns
// all of them. It reads the last-seen index, so the first page costs the
// same on a store of any size.
func (s *Store) Sessions(limit int) ([]engine.Session, error) {
	var out []engine.Session
	var token PageToken
	for {
		n := readChunk
		if limit > 0 {
			n = min(n, limit-len(out))
		}
		page, next, err := s.SessionsPage(token, n)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" || (limit > 0 && len(out) >= limit) {
			return out, nil
		}
		token = next
	}
}

// SessionsPage returns up to limit sessions, most recently active first,
// starting after token, and the token of the next page.
func (s *Store) SessionsPage(token PageToken, limit int) ([]engine.Session, PageToken, error) {
	if limit <= 0 {
		limit = readChunk
	}
	var out []engine.Session
	var next PageToken
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		c := g.lastSeen.Cursor()
		var k, seq, last []byte
		if token == "" {
			k, seq = c.Last()
		} else {
			// The token is the last key returned: step past it, or past
			// where it was if retention removed it meanwhile.
			k, seq = c.Seek([]byte(token))
			if k == nil {
				k, seq = c.Last()
			}
			if k != nil && bytes.Compare(k, []byte(token)) >= 0 {
				k, seq = c.Prev()
			}
		}
		for ; k != nil; k, seq = c.Prev() {
			if len(out) == limit {
				next = PageToken(last) // a string conversion copies the key
				return nil
			}
			sess, err := g.lastSeenSession(k, seq)
			if err != nil {
				return err
			}
			out = append(out, sess)
			last = k
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("read sessions: %w", err)
	}
	return out, next, nil
}

// Session returns one session by id.
func (s *Store) Session(id string) (engine.Session, error) {
	var sess engine.Session
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		_, v := g.session([]byte(id))
		if v == nil {
			return fmt.Errorf("session %s: %w", id, ErrNotFound)
		}
		sess, err = decodeSession(v)
		return err
	})
	return sess, err
}

// ActiveSince returns the sessions seen at or after t, most recent first,
// for the sessionizer to continue after a restart. It stops reading at the
// first older session.
func (s *Store) ActiveSince(t time.Time) ([]engine.Session, error) {
	var out []engine.Session
	var token PageToken
	for {
		page, next, err := s.SessionsPage(token, readChunk)
		if err != nil {
			return nil, err
		}
		for _, sess := range page {
			if sess.LastSeen.Before(t) {
				return out, nil
			}
			out = append(out, sess)
		}
		if next == "" {
			return out, nil
		}
		token = next
	}
}

// Requests returns a session's exchanges in order, without body data.
func (s *Store) Requests(sessionID string) ([]engine.Exchange, error) {
	var out []engine.Exchange
	var after uint64
	for {
		page, err := s.RequestsPage(sessionID, after, readChunk)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < readChunk {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// RequestsPage returns up to limit of a session's exchanges with ids
// greater than after, in order, without body data.
func (s *Store) RequestsPage(sessionID string, after uint64, limit int) ([]engine.Exchange, error) {
	var out []engine.Exchange
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		_, v := g.session([]byte(sessionID))
		if v == nil {
			return nil // no such session: no requests, as for an empty one
		}
		h, _, err := readSessionHeader(v)
		if err != nil {
			return err
		}
		xs := tx.Bucket([]byte(bucketExchanges))
		c := g.sessionExchanges.Cursor()
		// Visit the epochs the session spans, from the one after lands in.
		var ids []uint64
		for from := max(after+1, h.first); from <= h.last && len(out) < limit; from = nextEpoch(from) {
			prefix := sessionEpochPrefix(sessionID, from)
			for k, v := seekPosting(c, prefix, from); k != nil && len(k) == len(prefix)+8 && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
				if ids, err = appendPostingIDs(ids[:0], k, v); err != nil {
					return err
				}
				for _, id := range ids {
					if id < from || len(out) == limit {
						continue
					}
					x, err := readExchange(xs, g, id)
					if err != nil {
						return err
					}
					out = append(out, x)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read requests of session %s: %w", sessionID, err)
	}
	return out, nil
}

// readExchange decodes exchange id with its assignment in g.
func readExchange(xs *bolt.Bucket, g *generation, id uint64) (engine.Exchange, error) {
	key := u64(id)
	v := xs.Get(key)
	if v == nil {
		return engine.Exchange{}, fmt.Errorf("exchange %d: %w", id, ErrNotFound)
	}
	x, err := decodeExchange(id, v)
	if err != nil {
		return x, err
	}
	a, ok, err := g.assignments().get(id)
	if err != nil {
		return x, err
	}
	if ok {
		x.SessionID, x.KeyPoint = a.sessionID, a.keyPoint
	}
	return x, nil
}

// Exchange returns one exchange with its captured bodies.
func (s *Store) Exchange(id uint64) (engine.Exchange, error) {
	var x engine.Exchange
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		if x, err = readExchange(tx.Bucket([]byte(bucketExchanges)), g, id); err != nil {
			return err
		}
		if b := tx.Bucket([]byte(bucketBodies)).Get(u64(id)); b != nil {
			x.ReqBody.Data, x.RespBody.Data, err = decodeBodies(b)
		}
		return err
	})
	return x, err
}

// Count returns the number of stored exchanges and sessions. Exchange ids
// are contiguous (the writer allocates them in order and retention deletes
// from the oldest), so the exchange count is read from the first and last
// key; CheckIndexes verifies that the ids are contiguous.
func (s *Store) Count() (exchanges, sessions int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		exchanges = exchangeCount(tx)
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		sessions = g.sessionCount()
		return nil
	})
	return exchanges, sessions, err
}

// exchangeCount reads the number of exchanges from the ends of the log.
func exchangeCount(tx *bolt.Tx) int {
	c := tx.Bucket([]byte(bucketExchanges)).Cursor()
	first, _ := c.First()
	last, _ := c.Last()
	if first == nil {
		return 0
	}
	return int(idOf(last) - idOf(first) + 1)
}

// SessionsByID returns the sessions with the given ids, in that order,
// skipping ids no session has (retention or a regroup may have removed
// them since they were looked up). It reads readChunk ids a transaction.
func (s *Store) SessionsByID(ids []string) ([]engine.Session, error) {
	out := make([]engine.Session, 0, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), readChunk)]
		ids = ids[len(chunk):]
		err := s.db.View(func(tx *bolt.Tx) error {
			g, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			for _, id := range chunk {
				_, v := g.session([]byte(id))
				if v == nil {
					continue
				}
				sess, err := decodeSession(v)
				if err != nil {
					return fmt.Errorf("session %s: %w", id, err)
				}
				out = append(out, sess)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
	}
	return out, nil
}

// ExchangesByID returns the exchanges with the given ids, in that order,
// without body data, skipping ids retention has removed.
func (s *Store) ExchangesByID(ids []uint64) ([]engine.Exchange, error) {
	out := make([]engine.Exchange, 0, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), readChunk)]
		ids = ids[len(chunk):]
		err := s.db.View(func(tx *bolt.Tx) error {
			g, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			xs := tx.Bucket([]byte(bucketExchanges))
			for _, id := range chunk {
				x, err := readExchange(xs, g, id)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				out = append(out, x)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read exchanges: %w", err)
		}
	}
	return out, nil
}

// ExchangesPage returns up to limit exchanges with ids greater than after,
// in id order (the order of capture), without body data.
func (s *Store) ExchangesPage(after uint64, limit int) ([]engine.Exchange, error) {
	if limit <= 0 {
		limit = readChunk
	}
	var out []engine.Exchange
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		xs := tx.Bucket([]byte(bucketExchanges))
		c := xs.Cursor()
		for k, _ := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, _ = c.Next() {
			x, err := readExchange(xs, g, idOf(k))
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read exchanges after %d: %w", after, err)
	}
	return out, nil
}

// ExchangeCount returns the number of stored exchanges, read from the ends
// of the log: unlike Count, it costs two page reads on a store of any size.
func (s *Store) ExchangeCount() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = exchangeCount(tx)
		return nil
	})
	return n, err
}
