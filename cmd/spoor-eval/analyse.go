package main

import (
	"fmt"
	"sync"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
)

// outcome is what the two tiers found on one exchange.
type outcome struct {
	tier1 []engine.AttackTag
	// screened is what an import's default finds: tier 2 runs only on
	// what tier 1 tagged or the prefilter flags (detect.Screened).
	screened []engine.AttackTag
	// checked says whether screening sends the exchange to tier 2.
	checked bool
	all     []engine.AttackTag // tier 1 and tier 2 merged
}

// analyse runs both tiers over xs on n workers, as the engine's workers
// would, and returns the outcomes in the order of xs.
func analyse(d *detect.Detector, xs []*engine.Exchange, n int) ([]outcome, error) {
	out := make([]outcome, len(xs))
	pf := detect.NewPrefilter()
	next := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t1 := d.Tier1(xs[i])
				all, err := d.Tier2(xs[i], append([]engine.AttackTag(nil), t1...))
				if err != nil {
					errs <- fmt.Errorf("exchange %d (%s %s): %w", i, xs[i].Method, xs[i].Path, err)
					return
				}
				o := outcome{tier1: t1, screened: t1, all: all}
				if o.checked = detect.Screened(detect.PriorityOf(pf, xs[i], t1)); o.checked {
					o.screened = all
				}
				out[i] = o
			}
		}()
	}
	var err error
feed:
	for i := range xs {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return out, err
}

// typed matches tags holding a tag of one of the types.
func typed(types ...string) func([]engine.AttackTag) bool {
	return func(tags []engine.AttackTag) bool { return hasType(tags, types...) }
}

// anyTag matches tags that are not empty.
func anyTag(tags []engine.AttackTag) bool { return len(tags) > 0 }

// hasType reports whether tags hold a tag of one of the types.
func hasType(tags []engine.AttackTag, types ...string) bool {
	for _, t := range tags {
		for _, typ := range types {
			if t.Type == typ {
				return true
			}
		}
	}
	return false
}
