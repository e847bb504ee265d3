package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// Buckets of schema 1 that schema 2 moved into a generation.
const (
	v1Sessions         = "sessions"
	v1SessionExchanges = "session_exchanges"
)

// migrateChunk is how many exchanges one migration transaction converts.
const migrateChunk = 10000

// migrate upgrades a schema-1 store: JSON exchanges become binary records
// whose session assignment moves to the first generation, and sessions gain
// their index entries. It converts the log in chunks, each one transaction
// that converts exchanges and records their assignment together, so a crash
// leaves a store that the next Open resumes; the schema version changes
// last, in the transaction that moves the sessions.
func (s *Store) migrate(from uint64) error {
	if from != 1 {
		return fmt.Errorf("%w: no migration from schema %d", ErrNotStore, from)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range topBuckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		meta := tx.Bucket([]byte(bucketMeta))
		if meta.Get([]byte(metaGeneration)) != nil {
			return nil // an interrupted migration: resume it
		}
		g, err := s.indexer().createGeneration(tx)
		if err != nil {
			return err
		}
		return meta.Put([]byte(metaGeneration), u64(g.id))
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for {
		var done bool
		if err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			done, err = s.migrateExchanges(tx)
			return err
		}); err != nil {
			return fmt.Errorf("migrate exchanges: %w", err)
		}
		if done {
			break
		}
	}
	if err := s.db.Update(s.migrateSessions); err != nil {
		return fmt.Errorf("migrate sessions: %w", err)
	}
	return nil
}

// migrateExchanges converts up to migrateChunk JSON exchanges and reports
// whether none is left.
func (s *Store) migrateExchanges(tx *bolt.Tx) (bool, error) {
	g, err := s.indexer().current(tx)
	if err != nil {
		return false, err
	}
	w := newGenWriter(s.indexer(), g)
	xs := tx.Bucket([]byte(bucketExchanges))
	var batch []engine.Exchange
	c := xs.Cursor()
	for k, v := c.First(); k != nil && len(batch) < migrateChunk; k, v = c.Next() {
		if len(v) == 0 || v[0] != '{' {
			continue // converted by an earlier chunk
		}
		var x engine.Exchange
		if err := json.Unmarshal(v, &x); err != nil {
			return false, fmt.Errorf("exchange %d: %w", idOf(k), err)
		}
		x.ID = idOf(k)
		batch = append(batch, x)
	}
	for i := range batch {
		x := &batch[i]
		if err := xs.Put(u64(x.ID), w.bytes(appendExchange(w.spare(), x))); err != nil {
			return false, err
		}
		if err := w.assign(x, assignment{sessionID: x.SessionID, keyPoint: x.KeyPoint}); err != nil {
			return false, err
		}
	}
	if err := w.flush(); err != nil {
		return false, err
	}
	if len(batch) > 0 {
		// Schema 1 kept no commit times: the data counts as captured now,
		// so retention keeps it for a full period after the upgrade.
		last, _ := c.Last()
		if err := stampCommit(tx.Bucket([]byte(bucketCommits)), idOf(last), s.now()); err != nil {
			return false, err
		}
	}
	return len(batch) < migrateChunk, nil
}

// migrateSessions moves the sessions into the generation, drops the schema-1
// buckets and sets the schema version.
func (s *Store) migrateSessions(tx *bolt.Tx) error {
	g, err := s.indexer().current(tx)
	if err != nil {
		return err
	}
	w := newGenWriter(s.indexer(), g)
	if old := tx.Bucket([]byte(v1Sessions)); old != nil {
		err := old.ForEach(func(k, v []byte) error {
			var sess engine.Session
			if err := json.Unmarshal(v, &sess); err != nil {
				return fmt.Errorf("session %s: %w", k, err)
			}
			w.touched[sess.ID] = &sessionDelta{session: &sess}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// The header's range and count come from the assignments, which the
	// exchange chunks recorded.
	err = forEachAssignment(g.assign, func(id uint64, a assignment) error {
		d := w.touched[a.sessionID]
		if d == nil {
			return fmt.Errorf("exchange %d: session %s: %w", id, a.sessionID, ErrNotFound)
		}
		if d.n == 0 {
			d.first = id
		}
		d.last = id
		d.n++
		return nil
	})
	if err != nil {
		return err
	}
	for id, d := range w.touched {
		if d.n == 0 {
			delete(w.touched, id) // a session without exchanges has nothing to show
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	for _, name := range []string{v1Sessions, v1SessionExchanges} {
		if tx.Bucket([]byte(name)) != nil {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
	}
	return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchema), u64(schemaVersion))
}
