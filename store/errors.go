package store

import "errors"

// Sentinel errors, matched with errors.Is.
var (
	// ErrLocked means another process holds the store open.
	ErrLocked = errors.New("store is in use by another spoor process")
	// ErrNotFound means the session or exchange does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNotStore means the file exists but is not a spoor store.
	ErrNotStore = errors.New("not a spoor store")
	// ErrNewerSchema means the file was written by a newer spoor.
	ErrNewerSchema = errors.New("store was written by a newer spoor")
	// ErrOldSchema means the file was written by an older spoor and must be
	// opened for writing once, which upgrades it, before it can be read.
	ErrOldSchema = errors.New("store was written by an older spoor")
	// ErrCorrupt means a record or bucket does not have the shape this
	// spoor wrote: the file was damaged or edited by something else.
	ErrCorrupt = errors.New("store record is corrupt")
	// ErrInconsistent means an index disagrees with the log (CheckIndexes).
	ErrInconsistent = errors.New("store index disagrees with the log")
	// ErrNotIndexed means a filter field has no index.
	ErrNotIndexed = errors.New("field is not indexed")
	// ErrRegroupRunning means a regroup is already in progress.
	ErrRegroupRunning = errors.New("a regroup is already running")
	// ErrReadOnly means a write was asked of a store opened read-only.
	ErrReadOnly = errors.New("store is open read-only")
)
