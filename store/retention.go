package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// retentionChunk is how many exchanges one retention transaction deletes,
// with their bodies and index entries. The capture's writer waits for the
// write lock while a chunk runs, so a chunk must take milliseconds, not
// seconds.
const retentionChunk = 1000

// Expire deletes what was captured more than keep ago: exchanges, their
// bodies and index entries, and sessions left without an exchange. Age is
// counted from the commit that stored an exchange, not from its Start, so an
// imported log of last year stays for keep after the import. A session that
// spans the cutoff keeps its summary of everything it saw and loses its
// oldest requests. keep <= 0 keeps everything. It deletes in transactions of
// retentionChunk exchanges and returns how many it deleted.
func (s *Store) Expire(ctx context.Context, keep time.Duration) (int, error) {
	if keep <= 0 || s.readOnly {
		return 0, nil
	}
	var bound uint64
	cutoff := s.now().Add(-keep)
	err := s.db.View(func(tx *bolt.Tx) error {
		bound = expiryBound(tx, cutoff)
		return nil
	})
	if err != nil || bound == 0 {
		return 0, err
	}
	removed := 0
	for {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		// The maintenance lock is taken per chunk, so that a regroup can
		// start between two chunks rather than after the whole pass.
		var n int
		s.maint.Lock()
		err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			n, err = s.expireChunk(tx, bound)
			return err
		})
		s.maint.Unlock()
		removed += n
		if err != nil {
			return removed, fmt.Errorf("expire exchanges of %s: %w", s.path, err)
		}
		if n < retentionChunk {
			return removed, nil
		}
	}
}

// expiryBound is the last exchange id whose commit entry ended before
// cutoff, or 0. Commit entries are in id order and, the clock permitting,
// in time order, so the scan stops at the first entry still within the
// period.
func expiryBound(tx *bolt.Tx, cutoff time.Time) uint64 {
	var bound uint64
	c := tx.Bucket([]byte(bucketCommits)).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) != 16 || int64(binary.BigEndian.Uint64(v[8:])) >= cutoff.UnixNano() {
			break
		}
		bound = idOf(k)
	}
	return bound
}

// expireChunk deletes up to retentionChunk of the oldest exchanges with ids
// up to bound, and returns how many it deleted.
func (s *Store) expireChunk(tx *bolt.Tx, bound uint64) (int, error) {
	ix := s.indexer()
	g, err := ix.current(tx)
	if err != nil {
		return 0, err
	}
	w := newGenWriter(ix, g)
	xs := tx.Bucket([]byte(bucketExchanges))
	bodies := tx.Bucket([]byte(bucketBodies))
	var victims []engine.Exchange
	c := xs.Cursor()
	for k, v := c.First(); k != nil && idOf(k) <= bound && len(victims) < retentionChunk; k, v = c.Next() {
		x, err := decodeExchange(idOf(k), v)
		if err != nil {
			return 0, err
		}
		victims = append(victims, x)
	}
	// removed counts, per session, the exchanges deleted and the newest
	// of them.
	type removal struct{ n, through uint64 }
	removed := make(map[string]*removal)
	assigned := newAssignReader(g.assign)
	for i := range victims {
		x := &victims[i]
		key := u64(x.ID)
		a, ok, err := assigned.get(x.ID)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, fmt.Errorf("exchange %d has no assignment: %w", x.ID, ErrCorrupt)
		}
		if err := w.unassign(x, a); err != nil {
			return 0, err
		}
		if err := xs.Delete(key); err != nil {
			return 0, err
		}
		if err := bodies.Delete(key); err != nil {
			return 0, err
		}
		r := removed[a.sessionID]
		if r == nil {
			r = &removal{}
			removed[a.sessionID] = r
		}
		r.n++
		r.through = x.ID
	}
	if err := w.flush(); err != nil {
		return 0, err
	}
	for id, r := range removed {
		if err := w.forget([]byte(id), r.n, r.through); err != nil {
			return 0, err
		}
	}
	if len(victims) > 0 {
		if err := dropCommitsThrough(tx.Bucket([]byte(bucketCommits)), victims[len(victims)-1].ID); err != nil {
			return 0, err
		}
	}
	return len(victims), nil
}

// dropCommitsThrough deletes the commit entries whose exchanges are all
// gone, those ending at or before id.
func dropCommitsThrough(commits *bolt.Bucket, id uint64) error {
	var keys [][]byte
	c := commits.Cursor()
	for k, _ := c.First(); k != nil && idOf(k) <= id; k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := commits.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// RunRetention expires data older than keep every interval until ctx ends,
// and drops stale generations on the way. It reports each pass that removed
// something, or failed, to report (which may be nil). keep <= 0 only drops
// stale generations.
func (s *Store) RunRetention(ctx context.Context, keep, interval time.Duration, report func(removed int, err error)) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTimer(0) // a first pass at once: the store may have aged while spoor was stopped
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := s.DropStale(ctx)
		n := 0
		if err == nil {
			n, err = s.Expire(ctx, keep)
		}
		if ctx.Err() != nil {
			return
		}
		if report != nil && (n > 0 || err != nil) {
			report(n, err)
		}
		t.Reset(interval)
	}
}
