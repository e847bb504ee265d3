package workstation

import (
	"runtime"

	"github.com/spoorhq/spoor/ingest"
)

// priority is what the pipeline, the detection stage and the catch-up
// workers run at: behind the proxy in a capture, where they compete with
// it for the cores; at Go's normal priority without a proxy.
func (w *Workstation) priority() ingest.Priority {
	if w.proxy != nil {
		return ingest.PriorityBackground
	}
	return ingest.PriorityNormal
}

// reserveProxyProcs raises GOMAXPROCS by two above the cores, once the
// detection stage has taken its worker count from them: a goroutine locked
// to a low-priority thread holds a P while the kernel makes it wait, and
// without spare Ps the proxy's goroutines would wait for it in Go's
// scheduler whatever the kernel's priorities. The catch-up workers, counted
// after, get one more each; the Core Rule Set's budget, counted before,
// keeps the cores. This is the configuration bench/analysis.md measured.
func reserveProxyProcs() {
	runtime.GOMAXPROCS(runtime.NumCPU() + 2)
}
