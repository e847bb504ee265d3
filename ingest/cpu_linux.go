package ingest

import (
	"runtime"
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD, which the syscall package does
// not name: the calling thread's usage.
const rusageThread = 1

// ProcessCPU is the CPU time (user and system) all the process's threads
// have used.
func ProcessCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return rusageTime(&ru), true
}

// ThreadCPU runs fn locked to its thread and returns the CPU time the
// thread used meanwhile: fn's own cost, whatever else the machine runs,
// where wall time would charge fn for the cores other work takes.
func ThreadCPU(fn func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var before, after syscall.Rusage
	start := time.Now()
	if syscall.Getrusage(rusageThread, &before) != nil {
		fn()
		return time.Since(start)
	}
	fn()
	if syscall.Getrusage(rusageThread, &after) != nil {
		return time.Since(start)
	}
	return rusageTime(&after) - rusageTime(&before)
}

func rusageTime(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
