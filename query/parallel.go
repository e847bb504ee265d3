package query

import (
	"context"
	"errors"
	"sync"
)

// inParallel runs fn(0) to fn(workers-1) at once and joins their errors.
func inParallel(workers int, fn func(i int) error) error {
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// share is the i-th of n slices of ids, in order.
func share[K any](ids []K, i, n int) []K { return ids[len(ids)*i/n : len(ids)*(i+1)/n] }

// readPaged reads ids readPage at a time with read and visits each record
// read; it stops when ctx ends.
func readPaged[K, T any](ctx context.Context, ids []K, read func([]K) ([]T, error), visit func(*T) error) error {
	for len(ids) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := ids[:min(len(ids), readPage)]
		ids = ids[len(chunk):]
		page, err := read(chunk)
		if err != nil {
			return err
		}
		for i := range page {
			if err := visit(&page[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// readPage is how many sessions or requests one read by id asks for.
const readPage = 1000

// cancelCheck returns a check of ctx for a scan's callback, which looks at
// ctx only every 4,096th call: a scan visits millions of records.
func cancelCheck(ctx context.Context) func() error {
	n := 0
	return func() error {
		if n++; n%4096 != 0 {
			return nil
		}
		return ctx.Err()
	}
}
