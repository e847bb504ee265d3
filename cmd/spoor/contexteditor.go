package main

import (
	"errors"
	"fmt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

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

// reconfigure switches the capture to cfg's context parameters between
// two commits, and saves cfg then: exchanges captured from then on carry
// the new context, stored ones keep theirs. The analyzer is changed in
// place (Analyzer.SetContext), so open sessions, their part numbers and
// every detector's state (abuse, MCP, GraphQL) carry on.
func (w *workstation) reconfigure(cfg engine.Config) error {
	err := w.pipeline.Do(func(a *engine.Analyzer) (*engine.Analyzer, error) {
		// Saved first: if the store refuses it, the capture keeps the
		// context it had.
		if err := saveConfig(w.store, cfg); err != nil {
			return nil, err
		}
		return nil, a.SetContext(cfg)
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
