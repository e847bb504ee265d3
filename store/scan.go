package store

import (
	"bytes"
	"fmt"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// scanChunk bounds the exchanges one read transaction of a scan decodes,
// as readChunk does for reads that return what they decode: a scan
// returns nothing, so its transactions can be longer, but not so long
// that they stall a writer growing the memory map.
const scanChunk = 8192

// ScanOptions say which part of the log ScanExchanges reads and what it
// decodes of each exchange.
type ScanOptions struct {
	// Part and Parts split the log's id range into Parts equal slices and
	// read slice Part (from 0), so that Parts goroutines can each scan
	// one. Parts 0 or 1 is the whole log.
	Part, Parts int
	// Decode names the optional parts of each exchange or session to
	// decode; the others are left zero. Bodies are never read.
	Decode Parts
	// IDs has ScanSessions list each session's exchange ids.
	IDs bool
	// Only, when set, is asked about each session's id (and exchange ids,
	// with IDs) before the rest of the session is decoded: ScanSessions
	// skips those it refuses. It runs inside a read transaction, so it
	// must not read the store, and the id it is given aliases the
	// transaction's page: valid during the call only.
	Only func(sessionID string, ids []uint64) bool
	// Last, when set, ends ScanExchanges' log at that id: a scan that
	// must see the log as an earlier step saw it ignores what was stored
	// since.
	Last uint64
	// Borrow lends fn each exchange or session for the call only: its
	// strings and slices alias a buffer the scan reuses for the next
	// chunk (see scanBuffer), so fn must copy what it keeps, a string
	// kept as a map key included. It saves the allocations of each
	// record's strings, which a scan of the whole log spends most of its
	// time on.
	Borrow bool
}

// buffer returns the scan's buffer: nil, which allocates what each
// record decodes, unless opts lends it.
func (opts *ScanOptions) buffer() *scanBuffer {
	if !opts.Borrow {
		return nil
	}
	return &scanBuffer{}
}

// ScanExchanges calls fn with each stored exchange of the slice opts
// names, in id order, with its session assignment, until fn returns
// false or an error. It walks the log with a cursor, reading the
// assignments block by block beside it: the cheapest way to judge every
// exchange, where ExchangesPage looks each one up again. fn may keep x
// unless opts.Borrow is set.
// fn is called between read transactions, a chunk of decoded exchanges
// at a time, so it may read the store: a read transaction opened inside
// another on one goroutine can deadlock with a writer growing the map.
func (s *Store) ScanExchanges(opts ScanOptions, fn func(x *engine.Exchange) (bool, error)) error {
	from, to, err := s.scanRange(opts.Part, opts.Parts, opts.Last)
	if err != nil || from > to {
		return err
	}
	chunk := make([]engine.Exchange, 0, min(to-from+1, scanChunk))
	buf := opts.buffer()
	for next, more := from, true; more && next <= to; {
		chunk = chunk[:0]
		buf.reset()
		err := s.db.View(func(tx *bolt.Tx) error {
			g, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			assigned := g.assignments()
			c := tx.Bucket([]byte(bucketExchanges)).Cursor()
			n := 0
			for k, v := c.Seek(u64(next)); ; k, v = c.Next() {
				if k == nil || idOf(k) > to {
					next = to + 1
					return nil
				}
				id := idOf(k)
				if n == scanChunk {
					next = id
					return nil
				}
				n++
				x, err := decodeExchangeInto(id, v, opts.Decode, buf)
				if err != nil {
					return err
				}
				a, ok, err := assigned.get(id)
				if err != nil {
					return err
				}
				if ok {
					x.SessionID, x.KeyPoint = a.sessionID, a.keyPoint
				}
				chunk = append(chunk, x)
			}
		})
		if err != nil {
			return fmt.Errorf("scan exchanges from %d: %w", next, err)
		}
		for i := range chunk {
			if more, err = fn(&chunk[i]); err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// scanRange returns the ids of slice part of parts of the log, from and
// to inclusive; from > to when the slice is empty. A non-zero end ends
// the log there.
func (s *Store) scanRange(part, parts int, end uint64) (from, to uint64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketExchanges)).Cursor()
		first, _ := c.First()
		last, _ := c.Last()
		if first == nil || end != 0 && end < idOf(first) {
			from, to = 1, 0
			return nil
		}
		top := idOf(last)
		if end != 0 {
			top = min(top, end)
		}
		from, to = sliceOf(idOf(first), top, part, parts)
		return nil
	})
	return from, to, err
}

// ScanSessions calls fn with each session of the current grouping, in the
// order they appeared (the sessions bucket's), and the ids of its stored
// exchanges when opts.IDs is set, until fn returns false or an error.
// Part and Parts of opts split the sessions as they split the log; Only
// skips sessions by id (and exchange ids) before decoding them; Decode
// names the counters and activity to decode (PartCounts, PartActivity).
// The ids are valid during the call only, and the session too with
// opts.Borrow. fn is called between read
// transactions, a chunk of sessions at a time, so it may read the store.
// Unlike SessionsPage, which follows the last-seen order and looks each session up, it walks
// the sessions bucket with a cursor: the cheapest way to judge every
// session.
func (s *Store) ScanSessions(opts ScanOptions, fn func(sess *engine.Session, ids []uint64) (bool, error)) error {
	var from, to uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		c := g.sessions.Cursor()
		first, _ := c.First()
		last, _ := c.Last()
		if first == nil {
			from, to = 1, 0
			return nil
		}
		from, to = sliceOf(idOf(first), idOf(last), opts.Part, opts.Parts)
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan sessions: %w", err)
	}
	var (
		ids   []uint64
		chunk = make([]scannedSession, 0, min(to-from+1, scanChunk))
		all   []uint64 // the chunk's exchange ids, each session's a slice of it
		buf   = opts.buffer()
	)
	for next, more := from, true; more && next <= to; {
		chunk, all = chunk[:0], all[:0]
		buf.reset()
		err := s.db.View(func(tx *bolt.Tx) error {
			g, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			c := g.sessions.Cursor()
			postings := g.sessionExchanges.Cursor()
			n := 0
			for k, v := c.Seek(u64(next)); ; k, v = c.Next() {
				if k == nil || idOf(k) > to {
					next = to + 1
					return nil
				}
				if n == scanChunk {
					next = idOf(k)
					return nil
				}
				n++
				if opts.Only != nil || opts.IDs {
					head, err := readSessionHead(v)
					if err != nil {
						return fmt.Errorf("session %d: %w", idOf(k), err)
					}
					if ids, err = head.appendIDs(ids[:0], postings, opts.IDs); err != nil {
						return fmt.Errorf("session %s: %w", head.id, err)
					}
					if opts.Only != nil && !opts.Only(head.id, ids) {
						continue
					}
				}
				sess, err := decodeSessionInto(v, opts.Decode, buf)
				if err != nil {
					return fmt.Errorf("session %d: %w", idOf(k), err)
				}
				start := len(all)
				all = append(all, ids...)
				chunk = append(chunk, scannedSession{sess: sess, from: start, to: len(all)})
			}
		})
		if err != nil {
			return fmt.Errorf("scan sessions from %d: %w", next, err)
		}
		for i := range chunk {
			c := &chunk[i]
			if more, err = fn(&c.sess, all[c.from:c.to:c.to]); err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// scannedSession is a session ScanSessions decoded, waiting for its call
// after the read transaction: its exchange ids are all[from:to].
type scannedSession struct {
	sess     engine.Session
	from, to int
}

// sessionHead is what a scan reads of a session record before deciding
// to decode it: the range and number of its exchanges, and its id.
type sessionHead struct {
	first, last, count uint64
	id                 string
}

// readSessionHead reads the head of a session record without decoding
// the rest or allocating: the id aliases b, valid while b is.
func readSessionHead(b []byte) (sessionHead, error) {
	var h sessionHead
	if len(b) == 0 || b[0] != sessionCodec {
		return h, ErrCorrupt
	}
	r := reader{s: unsafeString(b), i: 1}
	h.first, h.last, h.count = r.uvarint(), r.uvarint(), r.uvarint()
	for range 2 * r.count() {
		r.str()
	}
	h.id = r.str()
	if r.err != nil {
		return h, ErrCorrupt
	}
	return h, nil
}

// appendIDs appends the ids of the session's stored exchanges, read from
// its posting lists through c, or only the one a session of one exchange
// has in its head; with list false, it appends nothing.
func (h sessionHead) appendIDs(dst []uint64, c *bolt.Cursor, list bool) ([]uint64, error) {
	switch {
	case !list || h.count == 0:
		return dst, nil
	case h.count == 1 && h.first == h.last:
		return append(dst, h.first), nil
	}
	for from := h.first; from <= h.last; from = nextEpoch(from) {
		prefix := sessionEpochPrefix(h.id, from)
		for k, v := seekPosting(c, prefix, from); k != nil && len(k) == len(prefix)+8 && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var err error
			if dst, err = appendPostingIDs(dst, k, v); err != nil {
				return dst, err
			}
		}
	}
	return dst, nil
}

// sliceOf returns slice part of parts of the ids from first to last,
// inclusive; from > to when the slice is empty.
func sliceOf(first, last uint64, part, parts int) (from, to uint64) {
	if parts <= 1 {
		return first, last
	}
	span := (last - first + uint64(parts)) / uint64(parts)
	from = first + uint64(part)*span
	return from, min(last, from+span-1)
}

// unsafeString views b as a string without copying it, for reads that
// copy out what they keep before b's page may go.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// LogRange returns the first and last id of the stored log; first > last
// when it is empty. The ids between them are contiguous (see Count).
func (s *Store) LogRange() (first, last uint64, err error) {
	return s.scanRange(0, 1, 0)
}
