package main

import (
	"context"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui"
)

// keyEditor lets the TUI's grouping-key editor read, preview and apply key
// changes on a running capture: a preview replays the stored history with
// the new keys without writing; apply regroups it in the background and
// switches the live capture to the new keys between two commits.
type keyEditor struct{ w *workstation }

// Keys returns the configured keys and whether the built-ins follow them,
// from the configuration saved in the store.
func (k keyEditor) Keys() ([]string, bool, error) {
	cfg, _, err := effectiveConfig("", k.w.store, nil)
	if err != nil {
		return nil, false, err
	}
	return cfg.Grouping.Keys, cfg.Grouping.Builtin, nil
}

// Preview counts what regrouping the stored history with these keys would
// merge and split.
func (k keyEditor) Preview(configured []string, builtin bool) (tui.Preview, error) {
	cfg, err := k.config(configured, builtin)
	if err != nil {
		return tui.Preview{}, err
	}
	a, err := newAnalyzer(cfg, k.w.store.Secret())
	if err != nil {
		return tui.Preview{}, err
	}
	p, err := k.w.store.PreviewRegroup(context.Background(), analysisGrouper{a})
	if err != nil {
		return tui.Preview{}, err
	}
	return tui.Preview{Before: p.Before, After: p.After, Merged: p.Merged, Split: p.Split}, nil
}

// Apply regroups the stored history with these keys, saves them, and
// analyses later traffic with them.
func (k keyEditor) Apply(ctx context.Context, configured []string, builtin bool, progress func(done, total int)) error {
	k.w.configMu.Lock()
	defer k.w.configMu.Unlock()
	cfg, err := k.config(configured, builtin)
	if err != nil {
		return err
	}
	return k.w.regroup(ctx, cfg, progress)
}

// config is the saved configuration with its grouping keys replaced,
// validated as a --config file would be.
func (k keyEditor) config(configured []string, builtin bool) (engine.Config, error) {
	cfg, _, err := effectiveConfig("", k.w.store, nil)
	if err != nil {
		return cfg, err
	}
	cfg.Grouping.Keys = append([]string(nil), configured...)
	cfg.Grouping.Builtin = builtin
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}
