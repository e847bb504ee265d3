package rules

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fileRule is a rule as a YAML file spells it: expires may be a time
// (RFC 3339) or a duration from the import (72h).
type fileRule struct {
	ID       string `yaml:"id"`
	Action   Action `yaml:"action"`
	Filter   string `yaml:"filter"`
	Status   int    `yaml:"status,omitempty"`
	Attack   string `yaml:"attack,omitempty"`
	RuleID   string `yaml:"rule,omitempty"`
	Point    string `yaml:"point,omitempty"`
	Expires  string `yaml:"expires,omitempty"`
	Disabled bool   `yaml:"disabled,omitempty"`
}

type file struct {
	Rules []fileRule `yaml:"rules"`
}

// ParseYAML reads a rules file: `rules: [{id, action, filter, status,
// attack, rule, point, expires, disabled}]`. Every bad rule is an error
// line of its own, so one import reports them all.
func ParseYAML(data []byte, now time.Time) ([]Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules file: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	out := make([]Rule, 0, len(f.Rules))
	var errs []error
	for i, fr := range f.Rules {
		expires, err := ParseExpires(fr.Expires, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule %d (%s): %w", i+1, fr.ID, err))
		}
		out = append(out, Rule{ID: fr.ID, Action: fr.Action, Filter: fr.Filter, Status: fr.Status,
			Attack: fr.Attack, RuleID: fr.RuleID, Point: fr.Point, Expires: expires, Disabled: fr.Disabled})
	}
	if _, err := Compile(out); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ParseExpires reads an expiry: empty for none, a duration from now, or
// an RFC 3339 time.
func ParseExpires(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("expires %q: want a positive duration", s)
		}
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("expires %q: want a duration (72h) or a time (2026-12-31T00:00:00Z)", s)
	}
	return t, nil
}

// MarshalYAML writes rules as ParseYAML reads them, expiries as times.
func MarshalYAML(rs []Rule) ([]byte, error) {
	f := file{Rules: make([]fileRule, len(rs))}
	for i, r := range rs {
		f.Rules[i] = fileRule{ID: r.ID, Action: r.Action, Filter: r.Filter, Status: r.Status,
			Attack: r.Attack, RuleID: r.RuleID, Point: r.Point, Disabled: r.Disabled}
		if !r.Expires.IsZero() {
			f.Rules[i].Expires = r.Expires.UTC().Format(time.RFC3339)
		}
	}
	b, err := yaml.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("write rules: %w", err)
	}
	return b, nil
}
