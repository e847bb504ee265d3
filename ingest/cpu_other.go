//go:build !linux

package ingest

import "time"

// ProcessCPU cannot read the process's CPU time on this system.
func ProcessCPU() (time.Duration, bool) { return 0, false }

// ThreadCPU runs fn and returns the wall time it took: without per-thread
// accounting, that is the closest bound of its CPU time.
func ThreadCPU(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}
