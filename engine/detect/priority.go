package detect

import "github.com/spoorhq/spoor/engine"

// Priority orders tier 2's work. The Core Rule Set finds what tier 1
// missed mostly in exchanges tier 1 found clean (in the shared corpora, a
// family tier 1 missed in 124 of 723 clean exchanges, against 13 of 584
// it had tagged), so those come first, and of them the ones the
// prefilter flags; tagged ones come last, for enrichment.
type Priority uint8

const (
	// PrioritySuspect is an exchange tier 1 found clean that the
	// prefilter flags.
	PrioritySuspect Priority = iota
	// PriorityClean is an exchange tier 1 found clean and the prefilter
	// does not flag.
	PriorityClean
	// PriorityTagged is an exchange tier 1 tagged.
	PriorityTagged
)

// PriorityOf is the priority of x with tier 1's tags: the prefilter runs
// only on exchanges tier 1 found clean.
func PriorityOf(p *Prefilter, x *engine.Exchange, tags []engine.AttackTag) Priority {
	switch {
	case len(tags) > 0:
		return PriorityTagged
	case p.Suspect(x):
		return PrioritySuspect
	}
	return PriorityClean
}

// PriorityOfStored is the priority of an exchange waiting for tier 2, from
// what its stored record keeps: its tags and the prefilter's hint.
func PriorityOfStored(x *engine.Exchange) Priority { return Priority(engine.CatchUpRank(x)) }

// Screened reports whether an exchange of priority p goes to tier 2 when
// tier 2 screens, as an import does by default: what tier 1 tagged (for
// enrichment) and what the prefilter flags, not the clean rest. Over the
// shared corpora this keeps almost all of tier 2's recall for a small
// share of its cost (`make eval` prints both, column "screened").
func Screened(p Priority) bool { return p != PriorityClean }
