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
	// Records, Offset and Content say how far the import read: its first
	// Records lines (or HAR entries) span the first Offset bytes of the
	// file's content, after gzip, whose hex SHA-256 is Content. A file
	// imported later that starts with the same bytes goes on from there.
	// Records written before spoor kept them leave these zero.
	Records int    `json:"records,omitempty"`
	Offset  int64  `json:"offset,omitempty"`
	Content string `json:"content,omitempty"`
	// Stopped is why the import ended before the end of the file (a
	// read error, say a truncated gzip); empty when it read to the end.
	Stopped string `json:"stopped,omitempty"`
	// Interrupted is true when the import was cancelled: the same file
	// imported again goes on where it stopped instead of being skipped.
	Interrupted bool `json:"interrupted,omitempty"`
	// Continues is the name of the import this one went on from, when it
	// skipped the records that import had read.
	Continues string `json:"continues,omitempty"`
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

// Imports returns the record of every import, in no particular order.
func (s *Store) Imports() ([]ImportRecord, error) {
	var recs []ImportRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketImports))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var rec ImportRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("import record %s: %w", k, err)
			}
			recs = append(recs, rec)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read import records from %s: %w", s.path, err)
	}
	return recs, nil
}

// RecordImport notes that a file was imported, replacing an earlier record
// of the same content. The caller records it after the file's last batch is
// committed, so that the record never claims more than the store holds.
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
