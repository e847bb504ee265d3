package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options configure Open.
type Options struct {
	// LockTimeout bounds the wait for a store held by another process;
	// zero means one second.
	LockTimeout time.Duration
	// ReadOnly opens the store without writing (spoor sessions, requests).
	ReadOnly bool
}

// Store is an open spoor store. Its read methods are safe for concurrent
// use; Write must be called from one goroutine at a time.
type Store struct {
	db     *bolt.DB
	path   string
	secret []byte
}

// DefaultPath is $XDG_DATA_HOME/spoor/spoor.db, falling back to
// ~/.local/share as the XDG specification says.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the default store: %w (pass --db)", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "spoor", "spoor.db"), nil
}

// Open opens or creates the store at path with mode 0600.
func Open(path string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, unwrapPathError(err))
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, unwrapPathError(err))
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.LockTimeout,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("open store %s: %w", path, ErrNotStore)
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, unwrapPathError(err))
	}
	s := &Store{db: db, path: path}
	if err := s.init(opts.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// unwrapPathError drops the *os.PathError wrapper, whose message would
// repeat the path the caller already names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// init checks the schema of an existing store or lays out a new one.
func (s *Store) init(readOnly bool) error {
	check := func(tx *bolt.Tx) (bool, error) {
		meta := tx.Bucket([]byte(bucketMeta))
		if meta == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return false, ErrNotStore
			}
			return false, nil
		}
		if string(meta.Get([]byte(metaMagic))) != magic {
			return false, ErrNotStore
		}
		v := meta.Get([]byte(metaSchema))
		if len(v) != 8 {
			return false, ErrNotStore
		}
		if n := binary.BigEndian.Uint64(v); n > schemaVersion {
			return false, fmt.Errorf("%w (schema %d, this spoor reads %d): upgrade spoor", ErrNewerSchema, n, schemaVersion)
		}
		s.secret = append([]byte(nil), meta.Get([]byte(metaSecret))...)
		return true, nil
	}
	var ready bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ready, err = check(tx)
		return err
	})
	if err != nil || ready {
		return err
	}
	if readOnly {
		return fmt.Errorf("%w: the file is empty", ErrNotStore)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("generate hashing secret: %w", err)
		}
		meta := tx.Bucket([]byte(bucketMeta))
		for k, v := range map[string][]byte{metaMagic: []byte(magic), metaSchema: u64(schemaVersion), metaSecret: secret} {
			if err := meta.Put([]byte(k), v); err != nil {
				return err
			}
		}
		s.secret = secret
		return nil
	})
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Secret is the per-store key for hashing identities and secrets.
func (s *Store) Secret() []byte { return append([]byte(nil), s.secret...) }

// Close flushes and closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Check runs bbolt's consistency check and returns the first problem.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: the checker stops when the channel is read to the end
			if first == nil {
				first = fmt.Errorf("store %s is inconsistent: %w", s.path, err)
			}
		}
		return first
	})
}
