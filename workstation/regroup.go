package workstation

import (
	"context"
	"errors"
	"fmt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// Keys returns the configured grouping keys and whether the built-ins
// follow them, from the configuration saved in the store.
func (w *Workstation) Keys() ([]string, bool, error) {
	cfg, _, err := EffectiveConfig("", w.store, nil)
	if err != nil {
		return nil, false, err
	}
	return cfg.Grouping.Keys, cfg.Grouping.Builtin, nil
}

// PreviewRegroup counts what regrouping the stored history with these
// keys would merge and split, without writing.
func (w *Workstation) PreviewRegroup(ctx context.Context, keys []string, builtin bool) (store.Preview, error) {
	cfg, err := w.withKeys(keys, builtin)
	if err != nil {
		return store.Preview{}, err
	}
	a, err := analyzerWith(cfg, w.store.Secret(), w.specs)
	if err != nil {
		return store.Preview{}, err
	}
	return w.store.PreviewRegroup(ctx, Grouper{a})
}

// SetKeys regroups the stored history with these keys, saves them, and
// analyses later traffic with them (see Regroup).
func (w *Workstation) SetKeys(ctx context.Context, keys []string, builtin bool, progress func(done, total int)) error {
	w.configMu.Lock()
	defer w.configMu.Unlock()
	cfg, err := w.withKeys(keys, builtin)
	if err != nil {
		return err
	}
	return w.regroup(ctx, cfg, progress)
}

// withKeys is the saved configuration with its grouping keys replaced,
// validated as a --config file would be.
func (w *Workstation) withKeys(keys []string, builtin bool) (engine.Config, error) {
	cfg, _, err := EffectiveConfig("", w.store, nil)
	if err != nil {
		return cfg, err
	}
	cfg.Grouping.Keys = append([]string(nil), keys...)
	cfg.Grouping.Builtin = builtin
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Regroup rebuilds every stored session with cfg's grouping while the
// capture runs, and analyses later traffic with cfg. The store regroups the
// history in the background; then, between two of the pipeline's commits,
// it regroups what arrived meanwhile and switches, and the pipeline carries
// on with the analyzer that did the regrouping, which has seen every stored
// exchange in order: the outcome is what capturing everything with cfg from
// the start would have given. progress receives the store's progress.
// Close cancels a regroup in progress and waits for it.
func (w *Workstation) Regroup(ctx context.Context, cfg engine.Config, progress func(done, total int)) error {
	w.configMu.Lock()
	defer w.configMu.Unlock()
	return w.regroup(ctx, cfg, progress)
}

func (w *Workstation) regroup(ctx context.Context, cfg engine.Config, progress func(done, total int)) error {
	a, err := analyzerWith(cfg, w.store.Secret(), w.specs)
	if err != nil {
		return err
	}
	// The new analyzer replays the history first: it counts into the
	// inventory only once the capture moves to it.
	feed := &inventoryFeed{inv: w.inv}
	a.Use(feed)
	data, err := encodeConfig(cfg)
	if err != nil {
		return err
	}
	ctx, done := w.maint.join(ctx)
	defer done()

	r, err := w.store.StartRegroup(Grouper{a}, store.RegroupOptions{Progress: progress, Config: data})
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
		feed.on = true
		return a, nil
	})
	r.Abort() // releases the store if Do never ran Finish; a no-op after it
	if errors.Is(err, ingest.ErrStopped) {
		return fmt.Errorf("regroup: the capture stopped first")
	}
	if err != nil {
		return fmt.Errorf("regroup: %w", err)
	}
	w.usePrejudge(cfg)
	w.log.Info("regrouped", "keys", cfg.Grouping.Keys, "builtin", cfg.Grouping.Builtin)
	if err := w.store.DropStale(ctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("regroup: drop the previous grouping: %w", err)
	}
	return nil
}
