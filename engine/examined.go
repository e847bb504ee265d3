package engine

import (
	"encoding/json"
	"fmt"
)

// Examination records which attack detectors examined an exchange, so that
// a request without tags reads as "clean" only when the detectors did look
// at it. It is a set of bits; its JSON form is the list of their names.
type Examination uint8

const (
	// ExaminedTier1 says tier 1 (libinjection and spoor's byte scans)
	// checked the exchange.
	ExaminedTier1 Examination = 1 << iota
	// ExaminedCRS says the Core Rule Set checked the exchange.
	ExaminedCRS
	// ExaminedCRSPending says the Core Rule Set has not checked the
	// exchange yet: it waits in the catch-up queue.
	ExaminedCRSPending
	// ExaminedOff says a detector that should have examined the exchange
	// did not and will not: detection was off (--no-detect, with no
	// other bit set), or the Core Rule Set was off for it (its catch-up
	// queue was full, or the rules failed to load).
	ExaminedOff
	// ExaminedSuspect is a hint for the catch-up queue, not a detector:
	// tier 1 found nothing, but the cheap prefilter saw bytes and words of
	// attacks, so the Core Rule Set should check it before the others. It
	// is not printed.
	ExaminedSuspect
)

// examinedName is a printed bit and its name.
type examinedName struct {
	bit  Examination
	name string
}

// examinedNames lists the printed bits, in the order they are listed.
func examinedNames() [4]examinedName {
	return [4]examinedName{
		{ExaminedTier1, "tier1"},
		{ExaminedCRS, "crs"},
		{ExaminedCRSPending, "crs_pending"},
		{ExaminedOff, "off"},
	}
}

// Has reports whether every bit of b is set in e.
func (e Examination) Has(b Examination) bool { return e&b == b }

// Pending reports whether the Core Rule Set still has to check the
// exchange.
func (e Examination) Pending() bool { return e.Has(ExaminedCRSPending) }

// Names lists the printed bits of e: [] for an exchange stored before
// spoor recorded examinations.
func (e Examination) Names() []string {
	out := []string{}
	for _, n := range examinedNames() {
		if e.Has(n.bit) {
			out = append(out, n.name)
		}
	}
	return out
}

// Checked returns e once the Core Rule Set has checked the exchange: crs
// set, pending and the hint cleared.
func (e Examination) Checked() Examination {
	return e&^(ExaminedCRSPending|ExaminedSuspect|ExaminedOff) | ExaminedCRS
}

// MarshalJSON writes the list of names.
func (e Examination) MarshalJSON() ([]byte, error) { return json.Marshal(e.Names()) }

// UnmarshalJSON reads a list of names.
func (e *Examination) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("examined: %w", err)
	}
	var out Examination
next:
	for _, s := range names {
		for _, n := range examinedNames() {
			if n.name == s {
				out |= n.bit
				continue next
			}
		}
		return fmt.Errorf("examined: unknown detector %q", s)
	}
	*e = out
	return nil
}

// CatchUpRank orders the exchanges waiting for the Core Rule Set, lowest
// first: 0 for one tier 1 found clean that the prefilter flagged
// (ExaminedSuspect), 1 for another clean one, 2 for one tier 1 tagged.
// engine/detect's Priority has the same values.
func CatchUpRank(x *Exchange) uint8 {
	switch {
	case len(x.Attacks) > 0:
		return 2
	case x.Examined.Has(ExaminedSuspect):
		return 0
	}
	return 1
}
