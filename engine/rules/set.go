package rules

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
)

// Set is a compiled list of rules. It is immutable and safe for
// concurrent use; a change builds a new Set.
type Set struct {
	rules []compiled
	// needsSession is whether some blocking rule tests a field that
	// engine.Prejudge answers, so the proxy computes it only then.
	needsSession bool
	blocking     bool
}

type compiled struct {
	Rule
	f *filter.Filter
}

// Compile validates every rule and returns the set, or an error naming
// each bad rule on a line of its own.
func Compile(rs []Rule) (*Set, error) {
	s := &Set{}
	var errs []error
	seen := map[string]bool{}
	for i, r := range rs {
		f, err := r.Validate()
		if err == nil && seen[r.ID] {
			err = errors.New("id used by an earlier rule")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("rule %d (%s): %w", i+1, r.ID, err))
			continue
		}
		seen[r.ID] = true
		s.rules = append(s.rules, compiled{Rule: r, f: f})
		if r.Action != Mute && !r.Disabled {
			s.blocking = true
			for _, name := range f.FieldNames() {
				s.needsSession = s.needsSession || slices.Contains(sessionFields(), name)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Rules returns the set's rules in their order.
func (s *Set) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i := range s.rules {
		out[i] = s.rules[i].Rule
	}
	return out
}

// Blocking reports whether some enabled rule can answer instead of the
// upstream; a proxy with none skips the gate.
func (s *Set) Blocking() bool { return s != nil && s.blocking }

// NeedsSession reports whether judging needs what engine.Prejudge says of
// a request's session.
func (s *Set) NeedsSession() bool { return s != nil && s.needsSession }

// Block returns the first active block rule that the request x of session
// sess (what is known of it; nil when no rule needs it) matches.
func (s *Set) Block(x *engine.Exchange, sess *engine.Session, now time.Time) (Rule, bool) {
	for i := range s.rules {
		c := &s.rules[i]
		if c.Action == Block && c.Active(now) && c.f.MatchRequest(x, sess) {
			return c.Rule, true
		}
	}
	return Rule{}, false
}

// Patched reports whether a virtual patch covers x, so that tier 1 must
// examine it before it is forwarded.
func (s *Set) Patched(x *engine.Exchange, sess *engine.Session, now time.Time) bool {
	for i := range s.rules {
		c := &s.rules[i]
		if c.Action == VirtualPatch && c.Active(now) && c.f.MatchRequest(x, sess) {
			return true
		}
	}
	return false
}

// Patch returns the first active virtual patch that covers x and one of
// its tags.
func (s *Set) Patch(x *engine.Exchange, sess *engine.Session, tags []engine.AttackTag, now time.Time) (Rule, bool) {
	return s.tagRule(VirtualPatch, x, sess, tags, now)
}

// Mute returns the first active mute rule that covers x and its tag.
func (s *Set) Mute(x *engine.Exchange, sess *engine.Session, tag engine.AttackTag, now time.Time) (Rule, bool) {
	return s.tagRule(Mute, x, sess, []engine.AttackTag{tag}, now)
}

func (s *Set) tagRule(a Action, x *engine.Exchange, sess *engine.Session, tags []engine.AttackTag, now time.Time) (Rule, bool) {
	for i := range s.rules {
		c := &s.rules[i]
		if c.Action != a || !c.Active(now) || !slices.ContainsFunc(tags, c.covers) {
			continue
		}
		if c.f.MatchRequest(x, sess) {
			return c.Rule, true
		}
	}
	return Rule{}, false
}

// covers reports whether the rule's attack, rule id and point take tag.
func (r *Rule) covers(tag engine.AttackTag) bool {
	return (r.Attack == "" || r.Attack == tag.Type) &&
		(r.RuleID == "" || r.RuleID == tag.Rule) &&
		(r.Point == "" || r.Point == tag.Point)
}

// Condition is the filter that selects what r would have hit in stored
// history: its own filter, narrowed to its attack type for a virtual
// patch or a mute. The impact preview runs it through query.
func (r *Rule) Condition() string {
	if r.Action != Block && r.Attack != "" {
		return r.Filter + " attack:" + r.Attack
	}
	return r.Filter
}

// Muter returns the set's mute rules that apply at now as an
// engine.Muter, or nil when none does, so that a reader with no mute in
// force does no work.
func (s *Set) Muter(now time.Time) engine.Muter {
	if s == nil {
		return nil
	}
	m := &muter{set: s, now: now}
	for i := range s.rules {
		c := &s.rules[i]
		if c.Action != Mute || !c.Active(now) {
			continue
		}
		if c.Attack == "" {
			m.anyType = true
		} else if !slices.Contains(m.types, c.Attack) {
			m.types = append(m.types, c.Attack)
		}
	}
	if !m.anyType && len(m.types) == 0 {
		return nil
	}
	return m
}

// muter is a Set's mute rules at one instant.
type muter struct {
	set *Set
	now time.Time
	// types are the attack types the mutes name; anyType is set when one
	// names only a rule id, which may tag any type.
	types   []string
	anyType bool
}

func (m *muter) MutedBy(x *engine.Exchange, s *engine.Session, tag engine.AttackTag) string {
	r, _ := m.set.Mute(x, s, tag, m.now)
	return r.ID
}

func (m *muter) MayMute(typ string) bool { return m.anyType || slices.Contains(m.types, typ) }

// NeedsSession reports whether a mute in force judges a request with
// its session (user, role, key or words): when none does, MutedBy
// answers the same without the session, and a reader of many tags may
// skip reading their sessions.
func (m *muter) NeedsSession() bool {
	for i := range m.set.rules {
		c := &m.set.rules[i]
		if c.Action == Mute && c.Active(m.now) && c.f.NeedsSession() {
			return true
		}
	}
	return false
}
