package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// contextCatchUp is how far back a context switch re-reads sessions
// between two commits: those that changed since the snapshot it took
// before, give or take a request's duration.
const contextCatchUp = 5 * time.Minute

// contextEditor lets the TUI's context editor read and save the context
// parameters of a running capture. A save records them in the store's
// configuration and switches the live analysis to them between two
// commits, so exchanges captured from then on carry them; stored exchanges
// keep the context they were captured with.
type contextEditor struct{ w *workstation }

// Context returns the configured parameters and whether credentials are
// stored hashed, from the configuration saved in the store.
func (c contextEditor) Context() ([]engine.ContextParam, bool, error) {
	cfg, _, err := effectiveConfig("", c.w.store, nil)
	if err != nil {
		return nil, false, err
	}
	return cfg.Context, cfg.Secrets != engine.SecretsClear, nil
}

// Save validates the saved configuration with these parameters, then
// records it and analyses later traffic with it.
func (c contextEditor) Save(params []engine.ContextParam, hashSecrets bool) error {
	c.w.configMu.Lock()
	defer c.w.configMu.Unlock()
	cfg, _, err := effectiveConfig("", c.w.store, nil)
	if err != nil {
		return err
	}
	cfg.Context = append([]engine.ContextParam(nil), params...)
	cfg.Secrets = engine.SecretsHashed
	if !hashSecrets {
		cfg.Secrets = engine.SecretsClear
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	return c.w.reconfigure(cfg)
}

// reconfigure switches the capture to cfg without touching stored
// exchanges: a new analyzer continues every stored session, as after a
// restart, and takes over between two commits, when the configuration is
// saved too. Sessions are read in two steps so the pipeline waits only for
// the recent ones: all of them before the switch, for part numbers, and
// those active since shortly before that read, during it.
//
// Like a restart, the switch starts the abuse, MCP and GraphQL observers
// afresh: their verdicts so far stay on the stored sessions.
func (w *workstation) reconfigure(cfg engine.Config) error {
	a, err := newAnalyzer(cfg, w.store.Secret())
	if err != nil {
		return err
	}
	since := time.Now().Add(-contextCatchUp)
	previous, err := w.store.Sessions(0)
	if err != nil {
		return err
	}
	err = w.pipeline.Do(func(*engine.Analyzer) (*engine.Analyzer, error) {
		recent, err := w.store.ActiveSince(since)
		if err != nil {
			return nil, err
		}
		fresh := make(map[string]bool, len(recent))
		for _, s := range recent {
			fresh[s.ID] = true
		}
		z := a.Sessionizer()
		for _, s := range previous {
			if !fresh[s.ID] {
				z.Restore(s)
			}
		}
		for _, s := range recent {
			z.Restore(s)
		}
		if err := saveConfig(w.store, cfg); err != nil {
			return nil, err
		}
		return a, nil
	})
	if errors.Is(err, ingest.ErrStopped) {
		return fmt.Errorf("save context: the capture stopped first")
	}
	if err != nil {
		return fmt.Errorf("save context: %w", err)
	}
	w.log.Info("context parameters saved", "params", len(cfg.Context), "secrets", cfg.Secrets)
	return nil
}
