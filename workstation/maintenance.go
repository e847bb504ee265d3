package workstation

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spoorhq/spoor/store"
)

// retentionInterval is how often a capture looks for data past retention.
const retentionInterval = time.Minute

// maintenance runs the store's background jobs beside a capture: retention
// and regroups. Both write in small transactions between the pipeline's
// commits; stop cancels them and waits, so the store can be closed.
type maintenance struct {
	st     *store.Store
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// committed is the number of exchanges committed so far, for the
	// commit log line.
	committed atomic.Int64
}

// startMaintenance starts retention; keep <= 0 keeps everything.
func startMaintenance(st *store.Store, keep time.Duration, log *slog.Logger) *maintenance {
	ctx, cancel := context.WithCancel(context.Background())
	m := &maintenance{st: st, log: log, ctx: ctx, cancel: cancel}
	log.Info("retention", "keep", keep)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		st.RunRetention(ctx, keep, retentionInterval, func(n int, err error) {
			if err != nil {
				log.Warn("retention", "err", err)
				return
			}
			log.Info("retention", "removed", n, "keep", keep)
		})
	}()
	return m
}

// stop cancels retention and any regroup in progress and waits for them.
func (m *maintenance) stop() {
	m.cancel()
	m.wg.Wait()
}

// logCommit records a completed commit with the running total. A test that
// kills spoor reads these lines to learn which exchanges were acknowledged
// by a completed commit.
func (m *maintenance) logCommit(n int, dropped uint64) {
	total := m.committed.Add(int64(n))
	m.log.Debug("commit", "n", n, "total", total, "dropped", dropped)
}

// join registers a job (a regroup) with the maintenance: stop cancels the
// returned context and waits until done is called.
func (m *maintenance) join(ctx context.Context) (context.Context, func()) {
	m.wg.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stopOnEnd := context.AfterFunc(m.ctx, cancel)
	return ctx, func() {
		stopOnEnd()
		cancel()
		m.wg.Done()
	}
}
