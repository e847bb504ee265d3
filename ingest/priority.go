package ingest

// Priority is how the pipeline's goroutines compete with the proxy's for
// the CPU.
type Priority int

const (
	// PriorityNormal leaves the goroutines to Go's scheduler, as an import
	// wants: it has no proxy to yield to.
	PriorityNormal Priority = iota
	// PriorityBackground runs each of the pipeline's working goroutines
	// (detection workers, analysis, commits, catch-up workers) locked to an
	// OS thread whose Linux nice value is BackgroundNice, so that when the
	// proxy's threads and these want the same core the kernel runs the
	// proxy's first. Go gives goroutines no priorities; threads have them.
	// A locked goroutine holds a P while it runs, so the caller raises
	// GOMAXPROCS above the cores for the proxy to keep its own (see
	// workstation). bench/analysis.md has what it gained.
	PriorityBackground
)

// BackgroundNice is the nice value of PriorityBackground's threads: the
// kernel gives a nice-10 thread about a tenth of a nice-0 thread's share
// of a busy core, not nothing, so analysis keeps up with a saturated proxy
// (0 dropped in bench/proxy.sh).
const BackgroundNice = 10

// enter applies p to the calling goroutine. A goroutine that entered
// PriorityBackground keeps its thread until it ends, and Go ends the
// thread with it.
func (p Priority) enter() {
	if p == PriorityBackground {
		lowerPriority()
	}
}
