package ingest

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// lowerPriority locks the calling goroutine to its OS thread and gives
// the thread the nice value BackgroundNice. Failing to (a seccomp filter,
// say) leaves it at the process's priority: slower to yield, not wrong.
func lowerPriority() {
	runtime.LockOSThread()
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), BackgroundNice)
}
