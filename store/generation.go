package store

import (
	"context"
	"fmt"

	"github.com/spoorhq/spoor/engine"

	bolt "go.etcd.io/bbolt"
)

// A generation is one complete grouping of the log: sessions, each
// exchange's assignment, and every index that names a session. The meta
// bucket names the current one. A regroup builds the next generation in
// small transactions while the current one keeps serving readers and the
// writer, then switches in one transaction; the old generation is deleted
// afterwards, in chunks, by DropStale.
type generation struct {
	id               uint64
	root             *bolt.Bucket
	sessions         *bolt.Bucket
	sessionIDs       *bolt.Bucket
	recentIDs        *bolt.Bucket // nil in a read of a generation made before it
	sessionExchanges *bolt.Bucket
	lastSeen         *bolt.Bucket
	assign           *bolt.Bucket
	// assigned reads assign, keeping the block it read last.
	assigned *assignReader
	// xidx and sidx are parallel to the indexer's tables.
	xidx []*bolt.Bucket
	sidx []*bolt.Bucket
}

// genBucketNames lists the buckets of a generation.
func (ix *indexer) genBucketNames() []string {
	names := []string{genSessions, genSessionIDs, genRecentIDs, genSessionExchanges, genLastSeen, genAssign}
	for _, idx := range ix.xidx {
		names = append(names, exchangeIndexBucket(idx.field))
	}
	for _, idx := range ix.sidx {
		names = append(names, sessionIndexBucket(idx.field))
	}
	return names
}

// currentGeneration reads the id of the generation readers use.
func currentGeneration(tx *bolt.Tx) (uint64, error) {
	v := tx.Bucket([]byte(bucketMeta)).Get([]byte(metaGeneration))
	if len(v) != 8 {
		return 0, fmt.Errorf("current generation: %w", ErrCorrupt)
	}
	return idOf(v), nil
}

// openGeneration returns the buckets of generation id.
func (ix *indexer) openGeneration(tx *bolt.Tx, id uint64) (*generation, error) {
	root := tx.Bucket([]byte(bucketGenerations)).Bucket(u64(id))
	if root == nil {
		return nil, fmt.Errorf("generation %d: %w", id, ErrCorrupt)
	}
	g := &generation{
		id:               id,
		root:             root,
		sessions:         root.Bucket([]byte(genSessions)),
		sessionIDs:       root.Bucket([]byte(genSessionIDs)),
		sessionExchanges: root.Bucket([]byte(genSessionExchanges)),
		lastSeen:         root.Bucket([]byte(genLastSeen)),
		assign:           root.Bucket([]byte(genAssign)),
	}
	missing := g.sessions == nil || g.sessionIDs == nil || g.sessionExchanges == nil || g.lastSeen == nil || g.assign == nil
	for _, idx := range ix.xidx {
		b := root.Bucket([]byte(exchangeIndexBucket(idx.field)))
		missing = missing || b == nil
		g.xidx = append(g.xidx, b)
	}
	for _, idx := range ix.sidx {
		b := root.Bucket([]byte(sessionIndexBucket(idx.field)))
		missing = missing || b == nil
		g.sidx = append(g.sidx, b)
	}
	if missing {
		return nil, fmt.Errorf("generation %d lacks a bucket: %w", id, ErrCorrupt)
	}
	var err error
	if g.recentIDs, err = openRecentIDs(tx, root); err != nil {
		return nil, fmt.Errorf("generation %d: %w", id, err)
	}
	if tx.Writable() {
		// Sessions and the last-seen order are not append-only, but
		// nearly: new sessions take the next number, a session moves to
		// the end of the last-seen order when it is active, and the
		// records a batch rewrites are the recently active ones, in the
		// last pages. Filling pages leaves the bucket's old pages full
		// instead of half empty: a 300,000-line import wrote 16% fewer
		// bytes and its file was 23% smaller.
		appendOnly(g.assign, g.sessions, g.lastSeen)
	}
	return g, nil
}

// assignments reads the generation's assignments; reads in id order decode
// each block once.
func (g *generation) assignments() *assignReader {
	if g.assigned == nil {
		g.assigned = newAssignReader(g.assign)
	}
	return g.assigned
}

// current opens the generation readers use.
func (ix *indexer) current(tx *bolt.Tx) (*generation, error) {
	id, err := currentGeneration(tx)
	if err != nil {
		return nil, err
	}
	return ix.openGeneration(tx, id)
}

// createGeneration lays out an empty generation with the next free id.
func (ix *indexer) createGeneration(tx *bolt.Tx) (*generation, error) {
	gens := tx.Bucket([]byte(bucketGenerations))
	var id uint64 = 1
	if k, _ := gens.Cursor().Last(); k != nil {
		id = idOf(k) + 1
	}
	root, err := gens.CreateBucket(u64(id))
	if err != nil {
		return nil, fmt.Errorf("create generation %d: %w", id, err)
	}
	for _, name := range ix.genBucketNames() {
		if _, err := root.CreateBucket([]byte(name)); err != nil {
			return nil, fmt.Errorf("create generation %d: bucket %s: %w", id, name, err)
		}
	}
	return ix.openGeneration(tx, id)
}

// session returns the sequence number and record of session id, or 0 and
// nil if there is none.
func (g *generation) session(id []byte) (uint64, []byte) {
	seq := g.sessionSeq(id)
	if len(seq) != 8 {
		return 0, nil
	}
	return idOf(seq), g.sessions.Get(seq)
}

// lastSeenSession decodes the session a last-seen index entry (key k,
// value seq) points at; a malformed entry or a missing session is
// corruption.
func (g *generation) lastSeenSession(k, seq []byte) (engine.Session, error) {
	if len(k) <= 8 || len(seq) != 8 {
		return engine.Session{}, fmt.Errorf("last-seen entry %x: %w", k, ErrCorrupt)
	}
	v := g.sessions.Get(seq)
	if v == nil {
		return engine.Session{}, fmt.Errorf("session %s listed by last-seen but missing: %w", k[8:], ErrCorrupt)
	}
	sess, err := decodeSession(v)
	if err != nil {
		return engine.Session{}, fmt.Errorf("session %s: %w", k[8:], err)
	}
	return sess, nil
}

// bucket returns the generation's bucket with the given name, for index
// entries recorded by name in session records.
func (g *generation) bucket(ix *indexer, name string) *bolt.Bucket {
	if name == genLastSeen {
		return g.lastSeen
	}
	for i, idx := range ix.sidx {
		if idx.bucket == name {
			return g.sidx[i]
		}
	}
	return nil
}

// DropStale deletes generations other than the current one: the previous
// grouping after a regroup, or a regroup that was interrupted. It deletes
// one bucket of a stale generation per transaction. Deleting a bucket frees
// its pages without rewriting them, so even the largest, the assignments of
// every exchange, takes milliseconds; deleting it key by key, as retention
// deletes the log, would rewrite every one of its pages first.
func (s *Store) DropStale(ctx context.Context) error {
	if s.readOnly {
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A regroup holds maint while it builds its generation, which is
		// not current yet and so would look stale.
		var more bool
		s.maint.Lock()
		err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			more, err = dropStaleBucket(tx)
			return err
		})
		s.maint.Unlock()
		if err != nil {
			return fmt.Errorf("drop stale generations of %s: %w", s.path, err)
		}
		if !more {
			return nil
		}
	}
}

// dropStaleBucket deletes one bucket of a stale generation, or the
// generation once it is empty, and reports whether it found anything stale.
func dropStaleBucket(tx *bolt.Tx) (bool, error) {
	cur, err := currentGeneration(tx)
	if err != nil {
		return false, err
	}
	gens := tx.Bucket([]byte(bucketGenerations))
	var stale []byte
	err = gens.ForEachBucket(func(k []byte) error {
		if stale == nil && idOf(k) != cur {
			stale = append([]byte(nil), k...)
		}
		return nil
	})
	if err != nil || stale == nil {
		return false, err
	}
	root := gens.Bucket(stale)
	var child []byte
	err = root.ForEachBucket(func(name []byte) error {
		if child == nil {
			child = append([]byte(nil), name...)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if child == nil {
		return true, gens.DeleteBucket(stale)
	}
	return true, root.DeleteBucket(child)
}
