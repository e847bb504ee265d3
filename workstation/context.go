package workstation

import (
	"errors"
	"fmt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// Context returns the configured context parameters and whether
// credentials are stored hashed, from the configuration saved in the store.
func (w *Workstation) Context() ([]engine.ContextParam, bool, error) {
	cfg, _, err := EffectiveConfig("", w.store, nil)
	if err != nil {
		return nil, false, err
	}
	return cfg.Context, cfg.Secrets != engine.SecretsClear, nil
}

// SetContext validates the saved configuration with these parameters and
// credential policy, then records it and analyses later traffic with it
// (see Reconfigure).
func (w *Workstation) SetContext(params []engine.ContextParam, hashSecrets bool) error {
	w.configMu.Lock()
	defer w.configMu.Unlock()
	cfg, _, err := EffectiveConfig("", w.store, nil)
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
	return w.reconfigure(cfg)
}

// Reconfigure switches the capture to cfg's context parameters between
// two commits, and saves cfg then: exchanges captured from then on carry
// the new context, stored ones keep theirs. The analyzer is changed in
// place (Analyzer.SetContext), so open sessions, their part numbers and
// every detector's state (abuse, MCP, GraphQL) carry on.
func (w *Workstation) Reconfigure(cfg engine.Config) error {
	w.configMu.Lock()
	defer w.configMu.Unlock()
	return w.reconfigure(cfg)
}

func (w *Workstation) reconfigure(cfg engine.Config) error {
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
	w.usePrejudge(cfg)
	w.log.Info("context parameters saved", "params", len(cfg.Context), "secrets", cfg.Secrets)
	return nil
}
