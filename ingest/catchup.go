package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// PendingStore is the catch-up queue of exchanges the Core Rule Set has
// yet to check, and the stored exchanges it names; the store implements
// it.
type PendingStore interface {
	// NextPendingCRS lists up to limit queued exchange ids, in the order
	// to check them.
	NextPendingCRS(limit int) ([]uint64, error)
	// PendingExchange reads a queued exchange with its captured bodies;
	// ok is false when it is no longer stored (retention deleted it).
	PendingExchange(id uint64) (x engine.Exchange, ok bool, err error)
	// HoldLate is called before each chunk: ok false means the queue
	// must not be worked now (a regroup reads the log); otherwise release
	// is called once the chunk's amendments are committed or abandoned.
	HoldLate() (release func(), ok bool)
}

// LateDetector checks stored exchanges that tier 2 deferred. It must be
// safe for concurrent use.
type LateDetector interface {
	// CheckLate waits until tier 2's budget allows a check of x (or ctx
	// ends), checks it, sets x's tags and examination, and returns the
	// tags it added to those tier 1 had stored.
	CheckLate(ctx context.Context, x *engine.Exchange) ([]engine.AttackTag, error)
}

// CatchUpOptions tune RunCatchUp.
type CatchUpOptions struct {
	// Workers is how many exchanges are checked at once; 0 means 1.
	Workers int
	// Chunk is how many queued exchanges are read, checked and amended
	// together; 0 means 32.
	Chunk int
	// Idle is how long to wait before looking at an empty queue again;
	// 0 means 200 ms.
	Idle time.Duration
	// OnDrained, if set, is called each time the queue is found empty
	// after holding work, with how many exchanges were checked since the
	// previous call.
	OnDrained func(checked int)
}

// RunCatchUp drains the catch-up queue until ctx ends: it reads the queue
// a chunk at a time, most promising exchanges first, has d check each
// (d's budget decides how fast), and hands the results to the pipeline,
// whose next commit amends the stored exchanges and their sessions and
// takes them off the queue. The queue lives in the store, so what is
// left when ctx ends is resumed by the next run. It returns nil when ctx
// ends, and the first error otherwise.
func RunCatchUp(ctx context.Context, st PendingStore, d LateDetector, p *Pipeline, opts CatchUpOptions) error {
	opts.Workers = max(opts.Workers, 1)
	if opts.Chunk <= 0 {
		opts.Chunk = 32
	}
	if opts.Idle <= 0 {
		opts.Idle = 200 * time.Millisecond
	}
	idle := time.NewTimer(opts.Idle)
	defer idle.Stop()
	checked := 0
	for ctx.Err() == nil {
		n, err := catchUpChunk(ctx, st, d, p, opts)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrStopped) {
				return nil
			}
			return err
		}
		if n == 0 {
			if checked > 0 && opts.OnDrained != nil {
				opts.OnDrained(checked)
			}
			checked = 0
			idle.Reset(opts.Idle)
			select {
			case <-ctx.Done():
			case <-idle.C:
			}
			continue
		}
		checked += n
	}
	return nil
}

// catchUpChunk checks one chunk of the queue and has the pipeline commit
// the results, holding the store (HoldLate) from the read of the queue to
// the commit. It returns how many exchanges it checked: 0 when the queue
// is empty or may not be worked now.
func catchUpChunk(ctx context.Context, st PendingStore, d LateDetector, p *Pipeline, opts CatchUpOptions) (int, error) {
	release, ok := st.HoldLate()
	if !ok {
		return 0, nil
	}
	defer release()
	ids, err := st.NextPendingCRS(opts.Chunk)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	checks, err := checkLate(ctx, st, d, ids, opts.Workers)
	if err != nil {
		return 0, err
	}
	if err := p.Amend(ctx, checks); err != nil {
		return 0, fmt.Errorf("amend %d late checks: %w", len(checks), err)
	}
	return len(checks), nil
}

// checkLate checks the exchanges ids on workers goroutines, in order of
// the ids as far as the workers allow.
func checkLate(ctx context.Context, st PendingStore, d LateDetector, ids []uint64, workers int) ([]Late, error) {
	checks := make([]Late, len(ids))
	errs := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Go(func() {
			for i := range next {
				x, ok, err := st.PendingExchange(ids[i])
				if err != nil {
					errs[i] = err
					continue
				}
				if !ok {
					// Gone: the amendment only takes it off the queue.
					checks[i] = Late{Exchange: &engine.Exchange{ID: ids[i]}}
					continue
				}
				added, err := d.CheckLate(ctx, &x)
				errs[i] = err
				checks[i] = Late{Exchange: &x, Added: added}
			}
		})
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return checks, nil
}
