package filter

import "github.com/spoorhq/spoor/engine"

// Tally records which of a filter's terms about requests (method, host,
// path, endpoint, examined, spec, node, blocked, and the endpoint side of
// a bare word) some request of a session satisfied, one bit per term in
// the order written. A session's verdict on such a term is whether any of
// its requests satisfies it, so a pass that tallies each request of the
// log once can judge every session without reading its requests again:
// MatchSessionTally of the OR of its requests' tallies is
// MatchSessionRequests.
type Tally uint64

// maxTallied is how many terms a Tally has bits for.
const maxTallied = 64

// Tallies reports whether the filter's terms fit in a Tally.
func (f *Filter) Tallies() bool { return len(f.terms) <= maxTallied }

// TallyRequest returns the bits of the terms about requests that x
// satisfies; a bare word's bit says whether x's endpoint matches it.
func (f *Filter) TallyRequest(x *engine.Exchange) Tally {
	var out Tally
	for i := range f.terms {
		t := &f.terms[i]
		switch {
		case i >= maxTallied:
			return out
		case t.field.aboutRequests():
			if f.requestVerdict(t, x, nil) == yes {
				out |= 1 << i
			}
		case t.field == fieldText:
			if t.matchFuzzy([]string{x.Template()}) {
				out |= 1 << i
			}
		}
	}
	return out
}

// RequiredTally returns the bits a session's tally must have for the
// session to match: its terms about requests that are not negated. A
// session none of whose requests sets them cannot match, whatever its
// summary says.
func (f *Filter) RequiredTally() Tally {
	var out Tally
	for i := range min(len(f.terms), maxTallied) {
		if t := &f.terms[i]; t.field.aboutRequests() && !t.neg {
			out |= 1 << i
		}
	}
	return out
}

// Monotone reports whether setting more bits of a tally can only turn a
// session's verdict from no to yes: no term about requests (or bare word)
// is negated. A pass over some of a session's requests then decides a
// match, though not a miss.
func (f *Filter) Monotone() bool {
	for i := range f.terms {
		if t := &f.terms[i]; t.neg && (t.field.aboutRequests() || t.field == fieldText) {
			return false
		}
	}
	return true
}

// MatchSessionTally reports whether s satisfies the filter when its
// requests' tallies OR to tally: MatchSessionRequests(s, xs) for the xs
// that tally came from.
func (f *Filter) MatchSessionTally(s *engine.Session, tally Tally) bool {
	for i := range f.terms {
		t := &f.terms[i]
		bit := i < maxTallied && tally&(1<<i) != 0
		var v verdict
		switch {
		case t.field.aboutRequests():
			v = verdictOf(bit)
		case t.field == fieldText:
			if v = f.sessionVerdict(t, s, nil, false); v == unknown {
				v = verdictOf(bit)
			}
		default:
			v = f.sessionVerdict(t, s, nil, false)
		}
		if !t.holds(v) {
			return false
		}
	}
	return true
}

// SessionOutcomes returns s's verdict for every pattern of the tally
// bits at positions (at most five): bit p of the result is
// MatchSessionTally(s, t) for the tally t that has the bit at
// positions[i] set when bit i of p is. It judges each term on s once,
// where MatchSessionTally for each pattern judges them all again.
func (f *Filter) SessionOutcomes(s *engine.Session, positions []int) uint32 {
	var need, forbid Tally // the tally bits a match needs set, and clear
	for i := range f.terms {
		t := &f.terms[i]
		v := unknown
		if !t.field.aboutRequests() {
			v = f.sessionVerdict(t, s, nil, false)
		}
		switch {
		case t.field != fieldText && !t.field.aboutRequests(), v != unknown:
			if !t.holds(v) {
				return 0
			}
		case i >= maxTallied:
			if !t.holds(no) { // the tally has no bit for it
				return 0
			}
		case t.neg:
			forbid |= 1 << i
		default:
			need |= 1 << i
		}
	}
	var out uint32
	for p := range 1 << len(positions) {
		var tally Tally
		for i, pos := range positions {
			if p&(1<<i) != 0 {
				tally |= 1 << pos
			}
		}
		if tally&need == need && tally&forbid == 0 {
			out |= 1 << p
		}
	}
	return out
}

// MatchRequestFunc is MatchRequest(x, s) with s, the session of x, read
// through session only when a term needs it and x alone did not decide:
// the terms x answers are judged first, and a bare word that x's own
// texts match holds whatever the session adds. A pass over the log then
// reads sessions only for the requests the rest of the filter lets
// through. session may return nil, as for a request without a session.
func (f *Filter) MatchRequestFunc(x *engine.Exchange, session func() (*engine.Session, error)) (bool, error) {
	deferred := false
	for i := range f.terms {
		t := &f.terms[i]
		switch t.field {
		case fieldUser, fieldRole, fieldAbuse, fieldKey:
			deferred = true
			continue
		case fieldText:
			if !t.matchFuzzy([]string{x.Path, x.Template(), x.ClientIP, x.UserAgent()}) {
				deferred = true
				continue
			}
			if t.neg {
				return false, nil
			}
			continue
		}
		if !t.holds(f.requestVerdict(t, x, nil)) {
			return false, nil
		}
	}
	if !deferred {
		return true, nil
	}
	s, err := session()
	if err != nil {
		return false, err
	}
	for i := range f.terms {
		t := &f.terms[i]
		switch t.field {
		case fieldUser, fieldRole, fieldAbuse, fieldKey, fieldText:
			if !t.holds(f.requestVerdict(t, x, s)) {
				return false, nil
			}
		}
	}
	return true, nil
}

// actorField reports whether a request's verdict on the field comes from
// its session: the terms about the actor, and a bare word, which also
// looks at the session's key value and user.
func (f field) actorField() bool {
	switch f {
	case fieldUser, fieldRole, fieldAbuse, fieldKey, fieldText:
		return true
	}
	return false
}

// ActorTally returns the bits of the terms a request of s is judged on
// through s (user, role, abuse, key) that hold on s, and of the bare
// words s's key value or user matches. With it a pass can judge the
// requests of s without s at hand (MatchRequestActor).
func (f *Filter) ActorTally(s *engine.Session) Tally {
	var out Tally
	for i := range min(len(f.terms), maxTallied) {
		t := &f.terms[i]
		switch {
		case t.field == fieldText:
			if t.matchFuzzy([]string{s.Actor, s.User}) {
				out |= 1 << i
			}
		case t.field.actorField():
			if f.sessionVerdict(t, s, nil, false) == yes {
				out |= 1 << i
			}
		}
	}
	return out
}

// MatchRequestActor is MatchRequest(x, s) for the session s whose
// ActorTally is actor, or MatchRequest(x, nil) when hasSession is false.
func (f *Filter) MatchRequestActor(x *engine.Exchange, actor Tally, hasSession bool) bool {
	for i := range f.terms {
		t := &f.terms[i]
		var v verdict
		switch {
		case !hasSession || !t.field.actorField():
			v = f.requestVerdict(t, x, nil)
		case t.field == fieldText:
			v = verdictOf(i < maxTallied && actor&(1<<i) != 0 || t.matchFuzzy([]string{x.Path, x.Template(), x.ClientIP, x.UserAgent()}))
		default:
			v = verdictOf(i < maxTallied && actor&(1<<i) != 0)
		}
		if !t.holds(v) {
			return false
		}
	}
	return true
}

// TalliedBits returns the bits TallyRequest may set: the terms about
// requests and the bare words.
func (f *Filter) TalliedBits() Tally {
	var out Tally
	for i := range min(len(f.terms), maxTallied) {
		if t := &f.terms[i]; t.field.aboutRequests() || t.field == fieldText {
			out |= 1 << i
		}
	}
	return out
}
