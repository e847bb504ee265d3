package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// commitGranularity is the span of one entry in the commits bucket: commits
// within it share an entry, so a week of commits every 100 ms costs ten
// thousand entries, not six million. Retention keeps a batch until the last
// commit of its entry is older than the cutoff, so it keeps data at most
// this much longer than asked, never shorter.
const commitGranularity = time.Minute

// Write commits a batch of analysed exchanges and the latest summary of each
// session they touched in one transaction, with every index entry they
// imply. It assigns each exchange its id. It satisfies ingest.Writer.
func (s *Store) Write(batch []ingest.Record) error {
	if len(batch) == 0 {
		return nil
	}
	if s.readOnly {
		return ErrReadOnly
	}
	now := s.now()
	var w *genWriter
	err := s.db.Update(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		w = newGenWriter(s.indexer(), g)
		w.blocks = &s.arenaBlocks
		xs := tx.Bucket([]byte(bucketExchanges))
		bodies := tx.Bucket([]byte(bucketBodies))
		appendOnly(xs, bodies)
		// Ids come from the bucket's sequence, set once for the batch.
		first := xs.Sequence() + 1
		if err := xs.SetSequence(xs.Sequence() + uint64(len(batch))); err != nil {
			return err
		}
		for i, r := range batch {
			x := r.Exchange
			x.ID = first + uint64(i)
			key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), x.ID))
			if err := xs.Put(key, w.bytes(appendExchange(w.spare(), x))); err != nil {
				return err
			}
			if len(x.ReqBody.Data) > 0 || len(x.RespBody.Data) > 0 {
				if err := bodies.Put(key, w.bytes(appendBodies(w.spare(), x.ReqBody.Data, x.RespBody.Data))); err != nil {
					return err
				}
			}
			if err := w.assign(x, assignment{sessionID: x.SessionID, keyPoint: x.KeyPoint}); err != nil {
				return err
			}
			w.touch(&batch[i].Session, x.ID)
		}
		if err := w.flush(); err != nil {
			return err
		}
		return stampCommit(tx.Bucket([]byte(bucketCommits)), first+uint64(len(batch))-1, now)
	})
	if w != nil {
		w.release()
	}
	if err != nil {
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	return nil
}

// stampCommit records that exchanges up to lastID were committed at now,
// folding commits within commitGranularity of the entry's first into it.
// An entry's value is its first and last commit time.
func stampCommit(commits *bolt.Bucket, lastID uint64, now time.Time) error {
	appendOnly(commits)
	t := now.UnixNano()
	first := t
	if k, v := commits.Cursor().Last(); k != nil && len(v) == 16 {
		f := int64(binary.BigEndian.Uint64(v))
		if t >= f && t-f < int64(commitGranularity) {
			first = f
			if err := commits.Delete(k); err != nil {
				return err
			}
		}
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(first))
	v = binary.BigEndian.AppendUint64(v, uint64(t))
	return commits.Put(u64(lastID), v)
}

// genWriter writes the grouping of exchanges into one generation: their
// assignments, the session lists, the request-level indexes, and session
// records with their entries. Write, regroup and retention share it, so
// that the keys they put and delete are the same by construction.
type genWriter struct {
	ix *indexer
	g  *generation
	// arena holds every key and value handed to bbolt in this
	// transaction: bbolt keeps the slices until commit, so nothing in the
	// arena is overwritten once taken; when a block runs short, the next
	// record starts a new one and the old block stays with the slices that
	// point into it.
	arena []byte
	// touched collects the sessions of the exchanges assigned so far, for
	// putSessions.
	touched map[string]*sessionDelta
	// pending holds the session-list and request-level index keys of the
	// exchanges assigned so far, by bucket, for flush.
	pending map[*bolt.Bucket][][]byte
	// blocks, if set, pools arena blocks between transactions; used lists
	// the blocks this writer took.
	blocks *sync.Pool
	used   [][]byte
}

// sessionDelta is what one transaction adds to a session: its latest
// summary and the range and number of its new exchanges.
type sessionDelta struct {
	session     *engine.Session
	first, last uint64
	n           uint64
}

func newGenWriter(ix *indexer, g *generation) *genWriter {
	return &genWriter{ix: ix, g: g, touched: map[string]*sessionDelta{}, pending: map[*bolt.Bucket][][]byte{}}
}

// arenaBlock is the size of the arena's blocks, and arenaRoom the room a
// block must have left for the next record: a record that does not fit
// starts a new block, so that no append copies what the arena already
// handed out.
const (
	arenaBlock = 1 << 20
	arenaRoom  = 64 << 10
)

// spare returns the arena with at least arenaRoom bytes of room.
func (w *genWriter) spare() []byte {
	if cap(w.arena)-len(w.arena) < arenaRoom {
		var block []byte
		if w.blocks != nil {
			if b, ok := w.blocks.Get().(*[]byte); ok {
				block = (*b)[:0]
			}
		}
		if block == nil {
			block = make([]byte, 0, arenaBlock)
		}
		w.arena = block
		w.used = append(w.used, block)
	}
	return w.arena
}

// release returns the arena's blocks to the pool. It is called once the
// transaction has ended, when bbolt no longer holds any slice of them.
func (w *genWriter) release() {
	if w.blocks == nil {
		return
	}
	for _, b := range w.used {
		if cap(b) == arenaBlock {
			w.blocks.Put(&b)
		}
	}
	w.used, w.arena = nil, nil
}

// bytes takes what was appended to the arena since the previous take. It is
// called as w.bytes(appendX(w.spare(), ...)).
func (w *genWriter) bytes(grown []byte) []byte {
	start := len(w.arena)
	w.arena = grown
	return grown[start:len(grown):len(grown)]
}

// assign records that x belongs to a.sessionID.
func (w *genWriter) assign(x *engine.Exchange, a assignment) error {
	key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), x.ID))
	if err := w.g.assign.Put(key, w.bytes(appendAssignment(w.spare(), a))); err != nil {
		return err
	}
	w.pending[w.g.sessionExchanges] = append(w.pending[w.g.sessionExchanges], w.bytes(appendSessionExchangeKey(w.spare(), a.sessionID, x.ID)))
	var err error
	w.arena, err = w.ix.exchangeKeys(w.spare(), x, a.sessionID, x.ID, func(i int, key []byte) error {
		w.pending[w.g.xidx[i]] = append(w.pending[w.g.xidx[i]], key)
		return nil
	})
	return err
}

// flush puts the keys assign collected, sorted. bbolt splits nodes only at
// commit, so a transaction's inserts pile up in the nodes they land in, and
// an insert moves every later key of its node: in key order each insert
// lands at or near the end, which keeps a batch's inserts linear.
func (w *genWriter) flush() error {
	for b, keys := range w.pending {
		slices.SortFunc(keys, bytes.Compare)
		for _, k := range keys {
			if err := b.Put(k, nil); err != nil {
				return err
			}
		}
		delete(w.pending, b)
	}
	return w.putSessions()
}

// touch notes that exchange id joined s, whose summary is now as given.
func (w *genWriter) touch(s *engine.Session, id uint64) {
	d := w.touched[s.ID]
	if d == nil {
		d = &sessionDelta{first: id}
		w.touched[s.ID] = d
	}
	d.session, d.last = s, id
	d.n++
}

// putSessions writes the sessions touched since the last call, in id order
// for the reason flush sorts.
func (w *genWriter) putSessions() error {
	ids := slices.Sorted(maps.Keys(w.touched))
	for _, id := range ids {
		if err := w.putSession(w.touched[id]); err != nil {
			return err
		}
		delete(w.touched, id)
	}
	return nil
}

// unassign removes what assign recorded.
func (w *genWriter) unassign(x *engine.Exchange, a assignment) error {
	if err := w.g.assign.Delete(u64(x.ID)); err != nil {
		return err
	}
	if err := w.g.sessionExchanges.Delete(sessionExchangeKey(a.sessionID, x.ID)); err != nil {
		return err
	}
	var err error
	w.arena, err = w.ix.exchangeKeys(w.spare(), x, a.sessionID, x.ID, func(i int, key []byte) error {
		return w.g.xidx[i].Delete(key)
	})
	return err
}

// putSession writes a session's record and brings its index entries in line
// with it: entries of the previous record that no longer hold are deleted,
// new ones are put, unchanged ones are left alone.
func (w *genWriter) putSession(d *sessionDelta) error {
	sess := d.session
	h := sessionHeader{first: d.first, last: d.last, count: d.n, entries: w.ix.sessionEntries(sess)}
	id := []byte(sess.ID)
	seq, v := w.g.session(id)
	var old sessionHeader
	if v != nil {
		var err error
		if old, _, err = readSessionHeader(v); err != nil {
			return fmt.Errorf("session %s: %w", sess.ID, err)
		}
		h.first, h.last, h.count = min(old.first, d.first), max(old.last, d.last), old.count+d.n
	} else {
		var err error
		if seq, err = w.g.sessions.NextSequence(); err != nil {
			return err
		}
		if err := w.g.sessionIDs.Put(w.bytes(append(w.spare(), id...)), u64(seq)); err != nil {
			return err
		}
	}
	key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), seq))
	if err := w.replaceEntries(old.entries, h.entries, key); err != nil {
		return fmt.Errorf("session %s: %w", sess.ID, err)
	}
	grown, err := appendSession(w.spare(), sess, h)
	if err != nil {
		return err
	}
	return w.g.sessions.Put(key, w.bytes(grown))
}

// replaceEntries deletes the entries of old that are not in next and puts
// those of next that are not in old, with the session's sequence number as
// their value.
func (w *genWriter) replaceEntries(old, next []indexEntry, seq []byte) error {
	for _, e := range old {
		if b := w.g.bucket(w.ix, e.bucket); b != nil && !containsEntry(next, e) {
			if err := b.Delete(e.key); err != nil {
				return err
			}
		}
	}
	for _, e := range next {
		b := w.g.bucket(w.ix, e.bucket)
		if b == nil {
			return fmt.Errorf("no bucket %s: %w", e.bucket, ErrCorrupt)
		}
		if !containsEntry(old, e) {
			if err := b.Put(e.key, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// forget records that n of a session's exchanges, the newest of them
// through, were deleted: the session goes with its last exchange, else its
// header is updated and its summary kept.
func (w *genWriter) forget(id []byte, n, through uint64) error {
	seq, v := w.g.session(id)
	if v == nil {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	h, at, err := readSessionHeader(v)
	if err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	key := u64(seq)
	if h.count <= n {
		if err := w.replaceEntries(h.entries, nil, key); err != nil {
			return fmt.Errorf("session %s: %w", id, err)
		}
		if err := w.g.sessionIDs.Delete(id); err != nil {
			return err
		}
		return w.g.sessions.Delete(key)
	}
	// Retention deletes the oldest exchanges first, so the session's
	// remaining ones all come after through.
	h.count -= n
	h.first = max(h.first, through+1)
	rec := append(appendSessionHeader(w.spare(), h), v[at:]...)
	return w.g.sessions.Put(key, w.bytes(rec))
}
