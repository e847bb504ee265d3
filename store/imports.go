package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketImports records the files `spoor import` has read, by the SHA-256
// of their content, so that importing a file twice does not duplicate its
// traffic. It is created by the first import, so stores that never import
// do not have it.
const bucketImports = "imports"

// ImportRecord is one imported file.
type ImportRecord struct {
	// Hash is the hex SHA-256 of the file's bytes as read (compressed, if
	// the file was).
	Hash      string    `json:"hash"`
	Name      string    `json:"name"`
	Format    string    `json:"format"`
	Exchanges int       `json:"exchanges"`
	BadLines  int       `json:"bad_lines"`
	Imported  time.Time `json:"imported"`
}

// Imported returns the record of the file with the given content hash, and
// whether there is one.
func (s *Store) Imported(hash string) (ImportRecord, bool, error) {
	var rec ImportRecord
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketImports))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(hash))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &rec)
	})
	if err != nil {
		return ImportRecord{}, false, fmt.Errorf("read import record from %s: %w", s.path, err)
	}
	return rec, found, nil
}

// RecordImport notes that a file was imported. The caller records it after
// the file's last batch is committed, so that an interrupted import is not
// mistaken for a complete one.
func (s *Store) RecordImport(rec ImportRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode import record: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketImports))
		if err != nil {
			return err
		}
		return b.Put([]byte(rec.Hash), v)
	})
	if err != nil {
		return fmt.Errorf("record import of %s in %s: %w", rec.Name, s.path, err)
	}
	return nil
}
