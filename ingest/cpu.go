package ingest

import (
	"context"
	"time"
)

// SampleCPU calls observe with the time and the process's CPU time every
// interval until ctx ends: the reading tier 2's budget (engine/detect's
// Budget.Observe) sizes its share from. Where the process's CPU time
// cannot be read, it never calls observe, and the budget stays at its
// floor.
func SampleCPU(ctx context.Context, interval time.Duration, observe func(now time.Time, processCPU time.Duration)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if cpu, ok := ProcessCPU(); ok {
			observe(time.Now(), cpu)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
