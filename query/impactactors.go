package query

import (
	"fmt"
	"math/bits"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/store"
)

// maxActorTable bounds the log actorsFirst takes on: it keeps 20 bytes
// an exchange (160 MiB at the bound); a longer log reads each request's
// session instead.
const maxActorTable = 1 << 23

// maxTableTerms bounds the terms about requests (and bare words) a
// session's truth table covers: 2^4 outcomes fit in its 16 bits.
const maxTableTerms = 4

// Flags of an exchange in actorsFirst's per-exchange table.
const (
	// hasSession: a walked session lists the exchange.
	hasSession = 1 << 16
	// undecided: the exchange is the first of a session whose verdict
	// depends on its tally, kept in the low 16 bits: bit p says whether
	// the session matches when its tally's pattern is p (see pattern).
	undecided = 1 << 17
)

// actorsFirst is the pass for a condition a whole scan of the log must
// judge with each request's session (a bare word, a key value, a negated
// user), where reading a session per request would cost a seek each. It
// walks the sessions first, writing each one's ActorTally on its
// exchanges (by id, in a table as long as the log) and counting those
// whose verdict does not depend on their requests, or keeping, on their
// first exchange, the verdict for each pattern of the tally; then it
// scans the log, judging each request with its session's actor bits and
// tallying it; then it walks the sessions again and reads in full only
// those left undecided whose tally makes them match.
func (p *impactPass) actorsFirst(sessions plan[string]) (Impact, error) {
	f := p.f
	first, last, err := p.sc.LogRange()
	if err != nil {
		return Impact{}, fmt.Errorf("read the log's range: %w", err)
	}
	n := 0
	if first <= last {
		n = int(last - first + 1)
	}
	at := func(id uint64) (int, bool) {
		if id < first || id > last {
			return 0, false
		}
		return int(id - first), true
	}
	positions := tallied(f.TalliedBits())
	actor := make([]filter.Tally, n)
	table := make([]uint32, n)
	tallies := make([]filter.Tally, n)

	// The sessions: their actor bits, and the verdicts that need no tally.
	inPlan := sessions.member()
	counts := make([]sessionCounts, p.workers)
	err = p.parallel(func(i int) error {
		cancelled := cancelCheck(p.ctx)
		counts[i].users = nameCounts{}
		opts := store.ScanOptions{Part: i, Parts: p.workers, IDs: true, Decode: p.sessionParts(), Borrow: true}
		return p.sc.ScanSessions(opts, func(s *engine.Session, ids []uint64) (bool, error) {
			bitsOf := f.ActorTally(s)
			for _, id := range ids {
				if j, ok := at(id); ok {
					actor[j] = bitsOf
					table[j] |= hasSession
				}
			}
			if !inPlan(s.ID) {
				return true, cancelled()
			}
			outcomes := f.SessionOutcomes(s, positions)
			all := uint32(1)<<(1<<len(positions)) - 1
			switch {
			case len(ids) == 0 && outcomes&1 != 0, outcomes == all:
				counts[i].add(s)
			case len(ids) == 0, outcomes == 0:
			default:
				if j, ok := at(ids[0]); ok {
					table[j] |= undecided | outcomes
				}
			}
			return true, cancelled()
		})
	})
	if err != nil {
		return Impact{}, err
	}

	// The requests, with their sessions' actor bits.
	ws := make([]*passWorker, p.workers)
	err = p.parallel(func(i int) error {
		cancelled := cancelCheck(p.ctx)
		w := p.newWorker(nil)
		ws[i] = w
		decode := p.decodeParts()
		opts := store.ScanOptions{Part: i, Parts: p.workers, Decode: decode, Last: last, Borrow: true}
		return p.sc.ScanExchanges(opts, func(x *engine.Exchange) (bool, error) {
			j, ok := at(x.ID)
			if !ok {
				return false, fmt.Errorf("exchange %d outside the log's range %d-%d", x.ID, first, last)
			}
			known := table[j]&hasSession != 0
			if x.SessionID != "" && !known {
				// Grouped after the walk of the sessions (a regroup, or
				// a session created since): the two steps no longer
				// see one log.
				return false, errLogMoved
			}
			if f.MatchRequestActor(x, actor[j], x.SessionID != "") {
				w.count(x)
			}
			tallies[j] = f.TallyRequest(x)
			return true, cancelled()
		})
	})
	if err != nil {
		return Impact{}, err
	}

	// The sessions left undecided, by their tallies.
	err = p.parallel(func(i int) error {
		cancelled := cancelCheck(p.ctx)
		only := func(_ string, ids []uint64) bool {
			if len(ids) == 0 {
				return false
			}
			j, ok := at(ids[0])
			if !ok || table[j]&undecided == 0 {
				return false
			}
			var t filter.Tally
			for _, id := range ids {
				if k, ok := at(id); ok {
					t |= tallies[k]
				}
			}
			return table[j]>>pattern(t, positions)&1 != 0
		}
		opts := store.ScanOptions{Part: i, Parts: p.workers, IDs: true, Only: only, Decode: p.sessionParts(), Borrow: true}
		return p.sc.ScanSessions(opts, func(s *engine.Session, _ []uint64) (bool, error) {
			counts[i].add(s)
			return true, cancelled()
		})
	})
	if err != nil {
		return Impact{}, err
	}

	w, c := ws[0], counts[0]
	for i := 1; i < p.workers; i++ {
		w.merge(ws[i])
		c.merge(counts[i])
	}
	return impactOf(w, c), nil
}

// parallel runs fn(0) to fn(p.workers-1) at once and joins their errors.
func (p *impactPass) parallel(fn func(i int) error) error { return inParallel(p.workers, fn) }

// tallied lists the positions of the set bits of mask, lowest first.
func tallied(mask filter.Tally) []int {
	var out []int
	for m := uint64(mask); m != 0; m &= m - 1 {
		out = append(out, bits.TrailingZeros64(m))
	}
	return out
}

// pattern packs the bits of t at positions into the low bits of an
// outcome index (filter.SessionOutcomes' order).
func pattern(t filter.Tally, positions []int) int {
	out := 0
	for i, pos := range positions {
		if t&(1<<pos) != 0 {
			out |= 1 << i
		}
	}
	return out
}
