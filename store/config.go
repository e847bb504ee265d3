package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// metaConfig holds the analysis configuration (YAML) the store was last
// captured or regrouped with.
const metaConfig = "config"

// SaveConfig records the analysis configuration, so that later sessions of
// spoor on this store group and display the same way.
func (s *Store) SaveConfig(yaml []byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaConfig), yaml)
	})
	if err != nil {
		return fmt.Errorf("save configuration in %s: %w", s.path, err)
	}
	return nil
}

// Config returns the stored configuration, or nil if none was saved.
func (s *Store) Config() ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte(bucketMeta)).Get([]byte(metaConfig)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read configuration from %s: %w", s.path, err)
	}
	return out, nil
}
