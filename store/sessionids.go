package store

import (
	bolt "go.etcd.io/bbolt"
)

// A session id maps to the session's sequence number through two buckets,
// as a log-structured merge tree does: new sessions go to a small bucket
// (genRecentIDs), which is merged into the large one (genSessionIDs) once
// it holds mergeRecentAt ids. Session ids are hashes, so their inserts land
// on random pages: one bucket for every id meant that each commit that
// opened a few thousand sessions rewrote most of the pages of a bucket
// holding hundreds of thousands, a third of the pages a million-line
// import wrote. The small bucket keeps those rewrites to its few hundred
// pages, and a merge rewrites the large one once per mergeRecentAt
// sessions. Lookups read both, in the same transaction.
//
// Generations made before the small bucket existed get it at their next
// write; until then readers find it missing and read the large one only.

// mergeRecentAt is the default number of ids the small bucket holds before
// a merge: about 450 pages of ids.
const mergeRecentAt = 1 << 15

// sessionSeq returns the sequence number of session id as stored (8 bytes),
// or nil.
func (g *generation) sessionSeq(id []byte) []byte {
	if seq := g.sessionIDs.Get(id); seq != nil {
		return seq
	}
	if g.recentIDs != nil {
		return g.recentIDs.Get(id)
	}
	return nil
}

// sessionCount is the number of sessions the id buckets map.
func (g *generation) sessionCount() int {
	n := g.sessionIDs.Stats().KeyN
	if g.recentIDs != nil {
		n += g.recentIDs.Stats().KeyN
	}
	return n
}

// putSessionID maps a new session's id to its sequence number, in the small
// bucket, and merges it into the large one when it is full. Its count is
// the bucket's sequence, so that no commit walks the bucket to count it.
func (w *genWriter) putSessionID(id []byte, seq uint64) error {
	if w.g.recentIDs == nil {
		return w.g.sessionIDs.Put(w.bytes(append(w.spare(), id...)), u64(seq))
	}
	if err := w.g.recentIDs.Put(w.bytes(append(w.spare(), id...)), u64(seq)); err != nil {
		return err
	}
	n, err := w.g.recentIDs.NextSequence()
	if err != nil {
		return err
	}
	if int(n) < w.mergeAt() {
		return nil
	}
	return w.mergeRecentIDs()
}

// deleteSessionID removes a session's id from whichever bucket holds it.
func (w *genWriter) deleteSessionID(id []byte) error {
	if w.g.recentIDs != nil && w.g.recentIDs.Get(id) != nil {
		return w.g.recentIDs.Delete(id)
	}
	return w.g.sessionIDs.Delete(id)
}

func (w *genWriter) mergeAt() int {
	if w.ix.mergeRecentAt > 0 {
		return w.ix.mergeRecentAt
	}
	return mergeRecentAt
}

// mergeRecentIDs moves the small bucket's ids into the large one, in key
// order (the small bucket's), then replaces the small bucket with an empty
// one: deleting a bucket frees its pages without rewriting them.
func (w *genWriter) mergeRecentIDs() error {
	c := w.g.recentIDs.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		// The pages k and v point into are freed with the bucket below,
		// and bbolt keeps what Put is given until the commit.
		key := w.bytes(append(w.spare(), k...))
		if err := w.g.sessionIDs.Put(key, w.bytes(append(w.spare(), v...))); err != nil {
			return err
		}
	}
	root := w.g.root
	if err := root.DeleteBucket([]byte(genRecentIDs)); err != nil {
		return err
	}
	b, err := root.CreateBucket([]byte(genRecentIDs))
	if err != nil {
		return err
	}
	w.g.recentIDs = b
	return nil
}

// openRecentIDs returns the generation's small id bucket, creating it in a
// write transaction if the generation predates it; nil in a read
// transaction of such a generation.
func openRecentIDs(tx *bolt.Tx, root *bolt.Bucket) (*bolt.Bucket, error) {
	if b := root.Bucket([]byte(genRecentIDs)); b != nil || !tx.Writable() {
		return b, nil
	}
	return root.CreateBucket([]byte(genRecentIDs))
}
