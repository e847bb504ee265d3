package workstation

import (
	"context"
	"runtime"
	"sync"

	"github.com/spoorhq/spoor/ingest"
)

// startCatchUp starts the worker that drains the store's catch-up queue
// (what the Core Rule Set could not check at once, this run's and the
// previous runs') and the CPU sampler that sizes tier 2's budget; its undo
// stops both first thing in Close, and what the queue holds stays in the
// store for the next run. With NoDetect there is neither.
func (w *Workstation) startCatchUp() {
	if w.attacks == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { w.attacks.sampleCPU(ctx) })
	wg.Go(func() {
		err := ingest.RunCatchUp(ctx, w.store, w.attacks, w.pipeline, ingest.CatchUpOptions{
			Workers: catchUpWorkers(),
			OnDrained: func(n int) {
				w.log.Info("the Core Rule Set's catch-up queue is empty", "checked", n)
			},
		})
		if err != nil {
			w.log.Error("the Core Rule Set's catch-up queue stopped; its exchanges stay queued for the next run", "err", err)
		}
	})
	w.undo.push(func() error {
		cancel()
		wg.Wait()
		return nil
	})
}

// catchUpWorkers is all cores but one, at least one: the budget, not the
// worker count, bounds what tier 2 takes, and the workers let it use the
// cores an idle proxy leaves.
func catchUpWorkers() int { return max(1, runtime.GOMAXPROCS(0)-1) }
