//go:build !linux

package ingest

// lowerPriority does nothing where threads have no nice value of their
// own.
func lowerPriority() {}
