package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketInventory holds the endpoint inventory (engine/inventory): one
// record per endpoint, keyed by method, host and template, in the
// inventory's own encoding. Each commit rewrites the endpoints its batch
// touched, in the batch's transaction, so a reopened store has the
// inventory as of its last commit without reading the log. It does not
// depend on the grouping's generation: a regroup keeps it (its distinct
// session counts are then those of the groupings it ran with).
const bucketInventory = "inventory"

// InventoryChanges is what the store asks of the endpoint inventory as
// it prepares each batch: the endpoints changed since the last call,
// encoded. inventory.Inventory satisfies it.
type InventoryChanges interface {
	TakeChanges(put func(key, value []byte)) error
}

// TrackInventory makes every batch written from now on carry inv's
// changes. It must be called before the first write of the pipeline
// that feeds inv, and at most once.
func (s *Store) TrackInventory(inv InventoryChanges) { s.inventory = inv }

// takeInventory collects the tracked inventory's changes for a batch.
func (s *Store) takeInventory() ([]keyValue, error) {
	if s.inventory == nil {
		return nil, nil
	}
	var kvs []keyValue
	err := s.inventory.TakeChanges(func(k, v []byte) {
		kvs = append(kvs, keyValue{key: append([]byte(nil), k...), value: append([]byte(nil), v...)})
	})
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	return kvs, nil
}

func putInventory(tx *bolt.Tx, kvs []keyValue) error {
	if len(kvs) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists([]byte(bucketInventory))
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if err := b.Put(kv.key, kv.value); err != nil {
			return err
		}
	}
	return nil
}

// HasInventory reports whether the store holds an endpoint inventory: a
// store written before spoor kept one does not, and a caller then
// rebuilds it from the log (ReplaceInventory).
func (s *Store) HasInventory() (bool, error) {
	has := false
	err := s.db.View(func(tx *bolt.Tx) error {
		has = tx.Bucket([]byte(bucketInventory)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read inventory from %s: %w", s.path, err)
	}
	return has, nil
}

// EachInventory calls fn with each stored endpoint record, copied out of
// the transaction.
func (s *Store) EachInventory(fn func(value []byte) error) error {
	var values [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketInventory))
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			values = append(values, append([]byte(nil), v...))
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read inventory from %s: %w", s.path, err)
	}
	for _, v := range values {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceInventory replaces the stored inventory with inv's records (all
// of them: the caller tracks inv and has it count everything first), in
// one transaction. It is the rebuild path, for a store that lacks the
// bucket; it must not run while a pipeline writes.
func (s *Store) ReplaceInventory(inv InventoryChanges) error {
	if s.readOnly {
		return ErrReadOnly
	}
	kvs, err := func() ([]keyValue, error) {
		var kvs []keyValue
		err := inv.TakeChanges(func(k, v []byte) {
			kvs = append(kvs, keyValue{key: append([]byte(nil), k...), value: append([]byte(nil), v...)})
		})
		return kvs, err
	}()
	if err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bucketInventory)) != nil {
			if err := tx.DeleteBucket([]byte(bucketInventory)); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket([]byte(bucketInventory)); err != nil {
			return err
		}
		return putInventory(tx, kvs)
	})
	if err != nil {
		return fmt.Errorf("write inventory to %s: %w", s.path, err)
	}
	return nil
}
