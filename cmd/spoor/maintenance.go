package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// retentionHelp documents --retention for the commands that capture.
func retentionHelp() string {
	return fmt.Sprintf("delete captured traffic older than this, in the background (0: keep everything; default: the configuration's retention:, %s unless set)", engine.DefaultRetention)
}

// retentionFlag is --retention if the command line gives it, else nil: the
// configuration's retention then holds.
func retentionFlag(cmd *cobra.Command, value time.Duration) *time.Duration {
	if !cmd.Flags().Changed("retention") {
		return nil
	}
	return &value
}

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

// analysisGrouper regroups stored exchanges with a whole analyzer rather
// than a bare sessionizer, so that what the observers add to a session
// (user, role, MCP, abuse verdicts) is rebuilt with it.
type analysisGrouper struct{ a *engine.Analyzer }

func (g analysisGrouper) Assign(x *engine.Exchange) *engine.Session {
	s := g.a.Process(x)
	return &s
}

func (g analysisGrouper) Evict(now time.Time) int { return g.a.Sessionizer().Evict(now) }

// regroup rebuilds every stored session with cfg's grouping while the
// capture runs, and analyses later traffic with cfg. The store regroups the
// history in the background; then, between two of the pipeline's commits,
// it regroups what arrived meanwhile and switches, and the pipeline carries
// on with the analyzer that did the regrouping, which has seen every stored
// exchange in order: the outcome is what capturing everything with cfg from
// the start would have given. progress receives the store's progress. The
// TUI's key editor is meant to call it.
func (w *workstation) regroup(ctx context.Context, cfg engine.Config, progress func(done, total int)) error {
	a, err := newAnalyzer(cfg, w.store.Secret())
	if err != nil {
		return err
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	m := w.maint
	m.wg.Add(1)
	defer m.wg.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopOnMaintenanceEnd := context.AfterFunc(m.ctx, cancel)
	defer stopOnMaintenanceEnd()

	r, err := w.store.StartRegroup(analysisGrouper{a}, store.RegroupOptions{Progress: progress, Config: data})
	if err != nil {
		return err
	}
	if err := r.CatchUp(ctx); err != nil {
		r.Abort()
		return fmt.Errorf("regroup: %w", err)
	}
	err = w.pipeline.Do(func(*engine.Analyzer) (*engine.Analyzer, error) {
		if err := r.Finish(); err != nil {
			return nil, err
		}
		return a, nil
	})
	r.Abort() // releases the store if Do never ran Finish; a no-op after it
	if errors.Is(err, ingest.ErrStopped) {
		return fmt.Errorf("regroup: the capture stopped first")
	}
	if err != nil {
		return fmt.Errorf("regroup: %w", err)
	}
	w.log.Info("regrouped", "keys", cfg.Grouping.Keys, "builtin", cfg.Grouping.Builtin)
	if err := w.store.DropStale(ctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("regroup: drop the previous grouping: %w", err)
	}
	return nil
}
