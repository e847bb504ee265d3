package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine/rules"
	bolt "go.etcd.io/bbolt"
)

// Rule buckets. They are created on the first rule written, so a store
// that never had one is laid out as before and an older spoor reads it.
const (
	// bucketRules maps a rule id to the rule (JSON: rules are few and
	// read whole).
	bucketRules = "rules"
	// bucketRuleHistory maps a sequence number to a RuleChange, oldest
	// first: who changed which rule, when and why.
	bucketRuleHistory = "rule_history"
)

// Kinds of rule change.
const (
	RuleCreated = "created"
	RuleChanged = "changed"
	RuleRemoved = "removed"
)

// RuleChange is one entry of the rules' history.
type RuleChange struct {
	At     time.Time  `json:"at"`
	Change string     `json:"change"`
	By     string     `json:"by"`
	Why    string     `json:"why,omitempty"`
	Rule   rules.Rule `json:"rule"`
}

// Rules returns the stored rules in id order.
func (s *Store) Rules() ([]rules.Rule, error) {
	var out []rules.Rule
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = readRules(tx.Bucket([]byte(bucketRules)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	return out, nil
}

// RuleSet compiles the rules the store holds: the set a gate applies and
// the mutes a read honours.
func (s *Store) RuleSet() (*rules.Set, error) {
	rs, err := s.Rules()
	if err != nil {
		return nil, err
	}
	set, err := rules.Compile(rs)
	if err != nil {
		return nil, fmt.Errorf("saved rules: %w", err)
	}
	return set, nil
}

// readRules decodes the rules of b (nil before the first rule) in id
// order.
func readRules(b *bolt.Bucket) ([]rules.Rule, error) {
	if b == nil {
		return nil, nil
	}
	var out []rules.Rule
	err := b.ForEach(func(k, v []byte) error {
		var r rules.Rule
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("rule %s: %w", k, ErrCorrupt)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// MergeRules is old with rs replacing the rules of the same id, new ones
// last: what the store holds after PutRules(rs).
func MergeRules(old, rs []rules.Rule) []rules.Rule {
	out := append([]rules.Rule(nil), old...)
	for _, r := range rs {
		replaced := false
		for i := range out {
			if out[i].ID == r.ID {
				out[i], replaced = r, true
			}
		}
		if !replaced {
			out = append(out, r)
		}
	}
	return out
}

// checkError carries a PutRulesChecked check's refusal out of the
// transaction unwrapped: it says what is wrong with the rules, not with
// the store.
type checkError struct{ err error }

func (e checkError) Error() string { return e.err.Error() }
func (e checkError) Unwrap() error { return e.err }

// PutRules writes rs, creating or replacing each by id, and records each
// change with by, why and at. A rule written unchanged records nothing.
func (s *Store) PutRules(rs []rules.Rule, by, why string, at time.Time) error {
	return s.PutRulesChecked(rs, by, why, at, nil)
}

// PutRulesChecked is PutRules with check called, in the same write
// transaction, on every rule the store would hold after it (the stored
// rules with rs replacing those of their ids, new ones last): an error
// from check writes nothing and is returned as it is. Two savers reading,
// checking and writing at once cannot lose one another's rules.
func (s *Store) PutRulesChecked(rs []rules.Rule, by, why string, at time.Time, check func(all []rules.Rule) error) error {
	return s.updateRules(func(b, h *bolt.Bucket) error {
		if check != nil {
			old, err := readRules(b)
			if err != nil {
				return err
			}
			if err := check(MergeRules(old, rs)); err != nil {
				return checkError{err}
			}
		}
		for _, r := range rs {
			v, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode rule %s: %w", r.ID, err)
			}
			change := RuleCreated
			if old := b.Get([]byte(r.ID)); old != nil {
				if string(old) == string(v) {
					continue
				}
				change = RuleChanged
			}
			if err := b.Put([]byte(r.ID), v); err != nil {
				return err
			}
			if err := appendRuleChange(h, RuleChange{At: at, Change: change, By: by, Why: why, Rule: r}); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteRule removes the rule id and records the removal; ErrNotFound
// when there is no such rule.
func (s *Store) DeleteRule(id, by, why string, at time.Time) error {
	return s.updateRules(func(b, h *bolt.Bucket) error {
		old := b.Get([]byte(id))
		if old == nil {
			return fmt.Errorf("rule %s: %w", id, ErrNotFound)
		}
		var r rules.Rule
		if err := json.Unmarshal(old, &r); err != nil {
			return fmt.Errorf("rule %s: %w", id, ErrCorrupt)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		return appendRuleChange(h, RuleChange{At: at, Change: RuleRemoved, By: by, Why: why, Rule: r})
	})
}

// RuleHistory returns every recorded change, oldest first.
func (s *Store) RuleHistory() ([]RuleChange, error) {
	var out []RuleChange
	err := s.db.View(func(tx *bolt.Tx) error {
		h := tx.Bucket([]byte(bucketRuleHistory))
		if h == nil {
			return nil
		}
		return h.ForEach(func(k, v []byte) error {
			var c RuleChange
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("rule change %d: %w", idOf(k), ErrCorrupt)
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read rule history: %w", err)
	}
	return out, nil
}

func (s *Store) updateRules(fn func(b, h *bolt.Bucket) error) error {
	if s.readOnly {
		return ErrReadOnly
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketRules))
		if err != nil {
			return err
		}
		h, err := tx.CreateBucketIfNotExists([]byte(bucketRuleHistory))
		if err != nil {
			return err
		}
		appendOnly(h)
		return fn(b, h)
	})
	var refused checkError
	if errors.As(err, &refused) {
		return refused.err
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("write rules: %w", err)
	}
	return err
}

func appendRuleChange(h *bolt.Bucket, c RuleChange) error {
	seq, err := h.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode rule change: %w", err)
	}
	return h.Put(u64(seq), v)
}
