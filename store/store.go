package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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
	// Now is the clock that stamps commits and places the retention
	// cutoff; nil means time.Now. Tests inject one to age data without
	// waiting.
	Now func() time.Time
	// CRSQueue bounds the catch-up queue of exchanges the Core Rule Set
	// has yet to check; 0 means DefaultCRSQueue.
	CRSQueue int
}

// initialMmapSize reserves address space for the file to grow into. bbolt
// remaps the file when it outgrows its mapping, and a remap makes the write
// transaction copy every node it holds out of the old mapping and waits for
// every reader: with a small mapping a growing store paid that on every
// other commit. The reservation is address space, not memory.
const initialMmapSize = 1 << 30

// Store is an open spoor store. Its read methods are safe for concurrent
// use and each holds a read transaction only for as long as it decodes;
// none keeps one across calls. Write must be called from one goroutine, the
// pipeline's. Retention (Expire) and regrouping run beside it in their own
// small transactions, serialised with Write by bbolt's write lock and with
// each other by maint.
type Store struct {
	db       *bolt.DB
	path     string
	secret   []byte
	readOnly bool
	now      func() time.Time
	// xidx and sidx are the index tables (index.go); they never change
	// after Open.
	xidx []exchangeIndex
	sidx []sessionIndex
	// maint serialises the maintenance jobs that rewrite what the writer
	// does not own: retention, regrouping and dropping stale generations.
	maint sync.Mutex
	// writers keeps Prepare's writers, with their arenas, between
	// batches (write.go).
	writers writerPool
	// ids guards nextID, the id the next exchange written gets; zero until
	// the first write reads it from the file (write.go, reserveIDs).
	ids    sync.Mutex
	nextID uint64
	// mergeRecentAt is indexer.mergeRecentAt; tests set it.
	mergeRecentAt int
	// regrouping is set while a Regrouping holds maint, so that a second
	// StartRegroup fails at once instead of waiting for the first to end.
	regrouping atomic.Bool
	// late is held for reading by each chunk of late checks, from the
	// read of the catch-up queue to the commit of their amendments
	// (HoldLate), and taken by StartRegroup, which so waits for a chunk in
	// flight: an amendment landing behind a regroup's reading of the log
	// would be missing from the new grouping.
	late sync.RWMutex
	// crsQueued counts the catch-up queue's entries, those of batches
	// prepared but not yet committed included; crsQueueCap bounds it, and
	// crsOverflow counts the exchanges that found it full (catchup.go).
	crsQueued   atomic.Int64
	crsQueueCap int
	crsOverflow atomic.Uint64
	// inventory, if set (TrackInventory, before the first write), hands
	// each batch the endpoint inventory's changes (inventory.go).
	inventory InventoryChanges
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
	} else if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, unwrapPathError(err))
	} else if fi.Mode().IsRegular() && fi.Size() == 0 {
		// bbolt would lay out an empty file, and fails on a read-only
		// one with "bad file descriptor".
		return nil, fmt.Errorf("open store %s: %w (empty file)", path, ErrNotStore)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         opts.LockTimeout,
		ReadOnly:        opts.ReadOnly,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmapSize,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("open store %s: %w (not a bbolt database file)", path, ErrNotStore)
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, unwrapPathError(err))
	}
	s := &Store{
		db:       db,
		path:     path,
		readOnly: opts.ReadOnly,
		now:      opts.Now,
		xidx:     exchangeIndexes(),
		sidx:     sessionIndexes(),
	}
	s.crsQueueCap = opts.CRSQueue
	if s.crsQueueCap <= 0 {
		s.crsQueueCap = DefaultCRSQueue
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.init(opts.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.countCRSQueue(); err != nil {
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

// init checks the schema of an existing store, migrates an older one, or
// lays out a new one.
func (s *Store) init(readOnly bool) error {
	var version uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		version, err = s.readMeta(tx)
		return err
	})
	switch {
	case err != nil:
		return err
	case version == schemaVersion:
		return nil
	case version >= readableSchema && readOnly:
		return nil
	case version >= readableSchema:
		return s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchema), u64(schemaVersion))
		})
	case version == 0 && readOnly:
		return fmt.Errorf("%w: the file is empty", ErrNotStore)
	case version == 0:
		return s.db.Update(s.layout)
	case readOnly:
		return fmt.Errorf("%w (schema %d, this spoor reads %d): open it once with spoor proxy or spoor demo --db to upgrade it", ErrOldSchema, version, schemaVersion)
	default:
		return s.migrate(version)
	}
}

// readMeta checks that the file is a spoor store this spoor can read and
// loads its secret. It returns the schema version, or 0 for an empty file.
func (s *Store) readMeta(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return 0, ErrNotStore
		}
		return 0, nil
	}
	if string(meta.Get([]byte(metaMagic))) != magic {
		return 0, ErrNotStore
	}
	v := meta.Get([]byte(metaSchema))
	if len(v) != 8 {
		return 0, ErrNotStore
	}
	n := binary.BigEndian.Uint64(v)
	if n > schemaVersion {
		return 0, fmt.Errorf("%w (schema %d, this spoor reads %d): upgrade spoor", ErrNewerSchema, n, schemaVersion)
	}
	s.secret = append([]byte(nil), meta.Get([]byte(metaSecret))...)
	return n, nil
}

// layout creates the buckets, the secret and the first generation of a new
// store.
func (s *Store) layout(tx *bolt.Tx) error {
	for _, name := range topBuckets() {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("generate hashing secret: %w", err)
	}
	g, err := s.indexer().createGeneration(tx)
	if err != nil {
		return err
	}
	meta := tx.Bucket([]byte(bucketMeta))
	for _, kv := range []struct {
		k string
		v []byte
	}{{metaMagic, []byte(magic)}, {metaSchema, u64(schemaVersion)}, {metaSecret, secret}, {metaGeneration, u64(g.id)}} {
		if err := meta.Put([]byte(kv.k), kv.v); err != nil {
			return err
		}
	}
	s.secret = secret
	return nil
}

// indexer returns fresh index scratch over the store's tables, for one
// transaction's worth of writes.
func (s *Store) indexer() *indexer {
	return &indexer{xidx: s.xidx, sidx: s.sidx, mergeRecentAt: s.mergeRecentAt}
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
