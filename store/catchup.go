package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// bucketCRSQueue is the catch-up queue: the exchanges the Core Rule Set
// has yet to check. A key is the exchange's rank (engine.CatchUpRank: the
// order the checks should run in) and its id, big endian, so a cursor
// reads the queue in the order to check it; values are empty. Created by
// the first write that queues an exchange, so older files need no
// migration.
const bucketCRSQueue = "crs_queue"

// DefaultCRSQueue bounds the catch-up queue: at 1–5 ms a check, about
// five minutes of one core's work. An exchange that finds it full is
// marked as not checked by the Core Rule Set (engine.ExaminedOff), never
// as clean.
const DefaultCRSQueue = 100000

// catchUpRanks is the number of ranks engine.CatchUpRank gives.
const catchUpRanks = 3

func crsQueueKey(b []byte, rank uint8, id uint64) []byte {
	return binary.BigEndian.AppendUint64(append(b, rank), id)
}

// countCRSQueue counts the queued exchanges when the store opens.
func (s *Store) countCRSQueue() error {
	return s.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket([]byte(bucketCRSQueue))
		if q == nil {
			return nil
		}
		s.crsQueued.Store(int64(q.Stats().KeyN))
		return nil
	})
}

// PendingCRS is how many exchanges wait for the Core Rule Set.
func (s *Store) PendingCRS() int { return int(max(0, s.crsQueued.Load())) }

// CRSOverflow is how many exchanges found the catch-up queue full since
// the store was opened, and were stored as not checked by the Core Rule
// Set.
func (s *Store) CRSOverflow() uint64 { return s.crsOverflow.Load() }

// NextPendingCRS lists up to limit exchanges waiting for the Core Rule
// Set, in the order it should check them: those tier 1 found clean and
// the prefilter flagged, then the other clean ones, then the tagged ones,
// oldest first within each. While a regroup rebuilds the sessions it
// lists none: the regroup reads the log once, and a late tag it had
// already read past would be missing from the new grouping.
func (s *Store) NextPendingCRS(limit int) ([]uint64, error) {
	if s.regrouping.Load() {
		return nil, nil
	}
	var ids []uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket([]byte(bucketCRSQueue))
		if q == nil {
			return nil
		}
		c := q.Cursor()
		for k, _ := c.First(); k != nil && len(ids) < limit; k, _ = c.Next() {
			if len(k) == 9 {
				ids = append(ids, binary.BigEndian.Uint64(k[1:]))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the catch-up queue of %s: %w", s.path, err)
	}
	return ids, nil
}

// HoldLate lets one chunk of late checks run: it returns ok false while a
// regroup holds the store, and otherwise a release to call once the
// chunk's amendments are committed (or abandoned). A regroup starting
// meanwhile waits for the release, so that no late tag lands behind its
// reading of the log. It satisfies ingest.PendingStore.
func (s *Store) HoldLate() (release func(), ok bool) {
	s.late.RLock()
	if s.regrouping.Load() {
		s.late.RUnlock()
		return nil, false
	}
	return s.late.RUnlock, true
}

// queueForCRS decides, in Prepare, whether x, which the Core Rule Set has
// yet to check, joins the catch-up queue: it does while the queue has
// room, and is otherwise marked as not checked. It returns whether x
// joined.
func (s *Store) queueForCRS(x *engine.Exchange) bool {
	if !x.Examined.Pending() {
		return false
	}
	if s.crsQueued.Add(1) > int64(s.crsQueueCap) {
		s.crsQueued.Add(-1)
		s.crsOverflow.Add(1)
		x.Examined = x.Examined&^(engine.ExaminedCRSPending|engine.ExaminedSuspect) | engine.ExaminedOff
		return false
	}
	return true
}

// lateCheck is what a late Core Rule Set check changes in one stored
// exchange.
type lateCheck struct {
	id       uint64
	attacks  []engine.AttackTag
	examined engine.Examination
	added    []engine.AttackTag
	// open says the pipeline updated the exchange's session, which it
	// holds open; otherwise Commit adds the tags to the stored summary.
	open bool
}

// amendLate applies the late checks of a batch in its transaction: each
// exchange leaves the catch-up queue and, if it is still stored, its
// record gets the checked tags and examination, the attack index gets the
// types it did not have, and the summaries of sessions the pipeline no
// longer holds get the added tags' counts. It returns how many queue
// entries it removed.
func (w *genWriter) amendLate(tx *bolt.Tx, checks []lateCheck) (int, error) {
	if len(checks) == 0 {
		return 0, nil
	}
	xs := tx.Bucket([]byte(bucketExchanges))
	q, err := tx.CreateBucketIfNotExists([]byte(bucketCRSQueue))
	if err != nil {
		return 0, err
	}
	attackIdx := -1
	for i, idx := range w.ix.xidx {
		if idx.field == "attack" {
			attackIdx = i
		}
	}
	removed := 0
	closed := map[string]map[string]int{} // session id → type → tags added
	for _, c := range checks {
		for rank := range uint8(catchUpRanks) {
			key := crsQueueKey(nil, rank, c.id)
			if q.Get(key) != nil {
				if err := q.Delete(key); err != nil {
					return removed, err
				}
				removed++
			}
		}
		v := xs.Get(u64(c.id))
		if v == nil {
			continue // retention deleted it while it waited
		}
		x, err := decodeExchange(c.id, v)
		if err != nil {
			return removed, err
		}
		a, ok, err := w.g.assignments().get(c.id)
		if err != nil {
			return removed, err
		}
		if !ok {
			return removed, fmt.Errorf("exchange %d has no session: %w", c.id, ErrCorrupt)
		}
		had := map[string]bool{}
		for _, t := range x.Attacks {
			if !t.Muted() { // a muted tag was never indexed
				had[t.Type] = true
			}
		}
		x.Attacks, x.Examined = c.attacks, c.examined
		if err := xs.Put(w.bytes(binary.BigEndian.AppendUint64(w.spare(), c.id)), w.bytes(appendExchange(w.spare(), &x))); err != nil {
			return removed, err
		}
		for _, t := range x.Attacks {
			if had[t.Type] || attackIdx < 0 || t.Muted() {
				continue
			}
			had[t.Type] = true
			key := w.bytes(appendExchangeIndexKey(w.spare(), t.Type, a.sessionID, c.id))
			if err := w.addPosting(w.g.xidx[attackIdx], key); err != nil {
				return removed, err
			}
		}
		if !c.open && len(c.added) > 0 {
			counts := closed[a.sessionID]
			if counts == nil {
				counts = map[string]int{}
				closed[a.sessionID] = counts
			}
			for _, t := range c.added {
				if !t.Muted() {
					counts[t.Type]++
				}
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(closed)) {
		if _, ok := w.touched[id]; ok {
			continue // the batch writes this session's summary already
		}
		_, v := w.g.session([]byte(id))
		if v == nil {
			continue
		}
		sess, err := decodeSession(v)
		if err != nil {
			return removed, err
		}
		for typ, n := range closed[id] {
			if sess.Attacks == nil {
				sess.Attacks = map[string]int{}
			}
			sess.Attacks[typ] += n
		}
		w.touchSummary(&sess)
	}
	return removed, nil
}

// touchSummary notes that s's summary changed without new exchanges (a
// late tag), so that putSession rewrites it and keeps its header's range
// and count.
func (w *genWriter) touchSummary(s *engine.Session) {
	w.delta(s).session = s
}

// addPosting adds the id of posting key k to the list of b that should
// hold it: the list of its prefix that starts before it, rewritten, or a
// list of its own when none does. Lists of one prefix then stay disjoint
// and in order, as readers expect; an id is added once.
func (w *genWriter) addPosting(b *bolt.Bucket, k []byte) error {
	prefix, id := postingPrefix(k), postingFirst(k)
	c := b.Cursor()
	if got, _ := c.Seek(k); got != nil && bytes.Equal(got, k) {
		return nil
	}
	var pk, pv []byte
	if got, _ := c.Seek(k); got != nil {
		pk, pv = c.Prev()
	} else {
		pk, pv = c.Last()
	}
	if pk == nil || len(pk) != len(k) || !bytes.HasPrefix(pk, prefix) {
		return b.Put(k, nil)
	}
	ids, err := appendPostingIDs(nil, pk, pv)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(ids, id)
	if found {
		return nil
	}
	ids = slices.Insert(ids, i, id)
	return b.Put(w.bytes(append(w.spare(), pk...)), w.bytes(appendGaps(w.spare(), ids)))
}

// PendingExchange reads exchange id with its captured bodies for a late
// check; ok is false when it is no longer stored. It satisfies
// ingest.PendingStore.
func (s *Store) PendingExchange(id uint64) (engine.Exchange, bool, error) {
	x, err := s.Exchange(id)
	if errors.Is(err, ErrNotFound) {
		return x, false, nil
	}
	return x, err == nil, err
}
