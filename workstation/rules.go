package workstation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
)

// rulesPoll is how often a --rules file is checked for a change: well
// under the second a rule change has to take effect.
const rulesPoll = 250 * time.Millisecond

// PreviewRule is what r would have hit in st's history, through query:
// the same counts `spoor requests` and `spoor sessions` give for
// r.Condition(), over the same reads (the saved mutes applied, so a tag
// already muted is not hit again). It writes nothing.
func PreviewRule(ctx context.Context, st *store.Store, r rules.Rule, now time.Time) (query.Impact, error) {
	if _, err := r.Validate(); err != nil {
		return query.Impact{}, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	f, err := filter.ParseOptions(r.Condition(), filter.Options{Now: now})
	if err != nil {
		return query.Impact{}, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	reads, err := query.StoredMutes(st, now)
	if err != nil {
		return query.Impact{}, err
	}
	return query.ImpactOf(ctx, reads, query.Options{Filter: f, Now: now})
}

// SaveRules validates rs together with the rules they do not replace and
// writes them with who and why, reading, checking and writing in one
// store transaction, so that a concurrent save cannot be lost. It returns
// the set compiled from what the store holds after the write.
func SaveRules(st *store.Store, rs []rules.Rule, by, why string, now time.Time) (*rules.Set, error) {
	check := func(all []rules.Rule) error {
		_, err := rules.Compile(all)
		return err
	}
	if err := st.PutRulesChecked(rs, by, why, now, check); err != nil {
		return nil, err
	}
	return st.RuleSet()
}

// Reads are the store's reads with the mute rules in force applied to
// the history stored before them: what the TUI, reports and exports
// count. A mute saved now reaches the next read.
func (w *Workstation) Reads() *query.Muting {
	return query.Muted(w.store, func() engine.Muter { return w.gate.set.Load().Muter(time.Now()) })
}

// Rules returns the saved rules.
func (w *Workstation) Rules() ([]rules.Rule, error) { return w.store.Rules() }

// PreviewRule is PreviewRule over the workstation's store: the history and
// the live capture committed since.
func (w *Workstation) PreviewRule(ctx context.Context, r rules.Rule) (query.Impact, error) {
	return PreviewRule(ctx, w.store, r, time.Now())
}

// SaveRules saves rs as SaveRules does and hands the new set to the proxy
// and the detection stage: the next request is judged by it. Saves (the
// TUI's, the --rules file's) and removals take rulesMu from the write to
// the swap, so the gate ends holding exactly the rules the store holds.
func (w *Workstation) SaveRules(rs []rules.Rule, by, why string) error {
	w.rulesMu.Lock()
	defer w.rulesMu.Unlock()
	set, err := SaveRules(w.store, rs, by, why, time.Now())
	if err != nil {
		return err
	}
	w.gate.set.Store(set)
	return nil
}

// RemoveRule deletes the rule id, records why, and applies the set
// without it.
func (w *Workstation) RemoveRule(id, by, why string) error {
	w.rulesMu.Lock()
	defer w.rulesMu.Unlock()
	if err := w.store.DeleteRule(id, by, why, time.Now()); err != nil {
		return err
	}
	return w.reloadRules()
}

// reloadRules compiles the saved rules into the gate; rulesMu is held.
func (w *Workstation) reloadRules() error {
	set, err := w.store.RuleSet()
	if err != nil {
		return err
	}
	w.gate.set.Store(set)
	return nil
}

// watchRulesFile imports path whenever its content changes, until stop
// closes: the headless proxy's way to change rules, since its store is
// locked to other processes. A bad file is logged and the rules in force
// stay.
func (w *Workstation) watchRulesFile(path string, stop <-chan struct{}) {
	var last [sha256.Size]byte
	t := time.NewTicker(rulesPoll)
	defer t.Stop()
	for {
		if data, err := os.ReadFile(path); err != nil {
			w.log.Warn("rules file unreadable; the rules in force stay", "file", path, "err", err)
		} else if sum := sha256.Sum256(data); !bytes.Equal(sum[:], last[:]) {
			last = sum
			if err := w.importRulesFile(path, data); err != nil {
				w.log.Error("rules file refused; the rules in force stay", "file", path, "err", err)
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func (w *Workstation) importRulesFile(path string, data []byte) error {
	rs, err := rules.ParseYAML(data, time.Now())
	if err != nil {
		return err
	}
	if err := w.SaveRules(rs, "file:"+path, "rules file changed"); err != nil {
		return err
	}
	w.log.Info("rules file applied", "file", path, "rules", len(rs))
	return nil
}

// startRules loads the saved rules and the prejudge for cfg, imports
// rulesFile when set and watches it until Close.
func (w *Workstation) startRules(cfg engine.Config, rulesFile string) error {
	p, err := engine.NewPrejudge(cfg, engine.NewHasher(w.store.Secret()))
	if err != nil {
		return err
	}
	w.gate.prejudge.Store(p)
	if rulesFile != "" {
		data, err := os.ReadFile(rulesFile)
		if err != nil {
			return fmt.Errorf("read rules file: %w", err)
		}
		if err := w.importRulesFile(rulesFile, data); err != nil {
			return fmt.Errorf("rules file %s: %w", rulesFile, err)
		}
	}
	w.rulesMu.Lock()
	err = w.reloadRules()
	w.rulesMu.Unlock()
	if err != nil {
		return err
	}
	if rulesFile != "" {
		stop, done := make(chan struct{}), make(chan struct{})
		go func() { defer close(done); w.watchRulesFile(rulesFile, stop) }()
		w.undo.push(func() error { close(stop); <-done; return nil })
	}
	return nil
}

// savedMutes marks the tags the mute rules st holds cover, as the
// capture's detection stage does: an import stamps them as it stores
// them, so its summary, sessions and verdicts never count them.
func savedMutes(st *store.Store, cfg engine.Config) (func(*engine.Exchange, []engine.AttackTag), error) {
	set, err := st.RuleSet()
	if err != nil {
		return nil, err
	}
	p, err := engine.NewPrejudge(cfg, engine.NewHasher(st.Secret()))
	if err != nil {
		return nil, err
	}
	g := newRuleGate(nil, true)
	g.set.Store(set)
	g.prejudge.Store(p)
	return g.mute, nil
}

// usePrejudge makes rules judge requests with cfg's keys and context from
// now on; a configuration the analyzer accepted compiles here too.
func (w *Workstation) usePrejudge(cfg engine.Config) {
	p, err := engine.NewPrejudge(cfg, engine.NewHasher(w.store.Secret()))
	if err != nil {
		w.log.Error("rules keep the previous keys and context", "err", err)
		return
	}
	w.gate.prejudge.Store(p)
}
