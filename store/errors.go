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
)
