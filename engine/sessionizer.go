package engine

import (
	"slices"
	"time"
)

// SessionizerOptions configure how exchanges become sessions.
type SessionizerOptions struct {
	Keys KeyList
	// Inactivity is the gap after which an actor's next request starts a new
	// part; zero means DefaultInactivity.
	Inactivity time.Duration
}

// Sessionizer assigns exchanges to sessions. It keeps the open parts of
// every key value seen within the inactivity gap; Evict forgets the rest.
// Parts split on the exchanges' times, not on the order they arrive in, so
// that an exchange that comes late (a capture imported after a newer one)
// joins or opens the part it would have in time order. It is not safe for
// concurrent use: one analysis goroutine owns it.
type Sessionizer struct {
	keys       KeyList
	ids        identityMemo // the keys, remembering recent actors
	inactivity time.Duration
	// open holds the latest part (by first request) of every identity;
	// earlier holds its other parts still open, which only late exchanges
	// reach, and is empty for actors whose traffic arrives in time order.
	open    map[string]*Session   // by identity hash
	earlier map[string][]*Session // by identity hash
	parts   map[string]int        // last part number by identity hash
	// aliases maps the identity of a session cookie a login set to the
	// identity of the token it returned (see alias).
	aliases map[string]alias
}

// NewSessionizer returns a Sessionizer that hashes identities with h.
func NewSessionizer(opts SessionizerOptions, h Hasher) *Sessionizer {
	if opts.Keys == nil {
		opts.Keys = DefaultKeyList()
	}
	if opts.Inactivity <= 0 {
		opts.Inactivity = DefaultInactivity
	}
	return &Sessionizer{
		keys:       opts.Keys,
		ids:        newIdentityMemo(opts.Keys, h),
		inactivity: opts.Inactivity,
		open:       map[string]*Session{},
		earlier:    map[string][]*Session{},
		parts:      map[string]int{},
		aliases:    map[string]alias{},
	}
}

// Keys returns the effective key list.
func (z *Sessionizer) Keys() KeyList { return z.keys }

// Assign groups x into its session, sets x.SessionID and x.KeyPoint, and
// returns the updated session. The returned pointer stays owned by the
// Sessionizer: clone it before handing it to another goroutine.
func (z *Sessionizer) Assign(x *Exchange) *Session {
	return z.assign(x, z.identify(NewView(x)))
}

// assign adds x to the part of identity id it belongs to by time, opening
// a new part when none holds it. The analyzer identifies an exchange before
// it redacts it and assigns it after, so that the session summary only ever
// sees the stored copy.
func (z *Sessionizer) assign(x *Exchange, id Identity) *Session {
	s := z.open[id.Value]
	switch {
	case s != nil && x.Start.Before(s.FirstSeen):
		// A late exchange, older than the latest part: it joins the
		// earlier part whose time it falls in or beside, else opens its
		// own part, as it would have in time order.
		if z.holds(s, x.Start) {
			break
		}
		if s = z.earlierPart(id.Value, x.Start); s == nil {
			s = z.newPart(id, z.open[id.Value])
			z.earlier[id.Value] = append(z.earlier[id.Value], s)
		}
	case s == nil || z.expired(s, x.Start):
		next := z.newPart(id, s)
		if s != nil {
			z.earlier[id.Value] = append(z.earlier[id.Value], s)
		}
		s = next
		z.open[id.Value] = s
	}
	s.add(x)
	x.SessionID = s.ID
	x.KeyPoint = s.KeyPoint
	return s
}

// newPart numbers and returns a new part of identity id; prev, if not nil,
// is another part of the same actor.
func (z *Sessionizer) newPart(id Identity, prev *Session) *Session {
	part := z.parts[id.Value] + 1
	z.parts[id.Value] = part
	keyID := keyIDOf(id.Value)
	next := &Session{
		ID:       SessionID(keyID, part),
		KeyID:    keyID,
		KeyPoint: id.Key.String(),
		Identity: id.Value,
		Actor:    id.Display,
		Part:     part,
	}
	if prev != nil {
		// The key value names the same actor across parts: what another
		// part learned about its user and role still holds.
		next.User, next.Role = prev.User, prev.Role
	}
	return next
}

// expired reports whether t, at or after s's first request, is past s's
// inactivity gap or its maximum span.
func (z *Sessionizer) expired(s *Session, t time.Time) bool {
	return t.Sub(s.LastSeen) > z.inactivity || t.Sub(s.FirstSeen) > MaxSessionSpan
}

// holds reports whether a request at t belongs to part s: within the
// inactivity gap of its requests, and keeping it within the maximum span.
func (z *Sessionizer) holds(s *Session, t time.Time) bool {
	if t.Before(s.FirstSeen) {
		return s.FirstSeen.Sub(t) <= z.inactivity && s.LastSeen.Sub(t) <= MaxSessionSpan
	}
	return !z.expired(s, t)
}

// earlierPart returns the earlier part of identity that holds a request at
// t, or nil.
func (z *Sessionizer) earlierPart(identity string, t time.Time) *Session {
	for _, s := range z.earlier[identity] {
		if z.holds(s, t) {
			return s
		}
	}
	return nil
}

// Restore re-opens a session loaded from the store, so that traffic after a
// restart continues the part it belongs to, and a late exchange finds the
// earlier part it belongs to. A part still open here is kept as it is.
func (z *Sessionizer) Restore(s Session) {
	if z.holding(s.Identity, s.ID) {
		return // still open here, and newer than the stored copy
	}
	c := s.Clone()
	identity := c.Identity
	switch cur := z.open[identity]; {
	case cur == nil:
		z.open[identity] = &c
	case cur.FirstSeen.Before(c.FirstSeen):
		z.earlier[identity] = append(z.earlier[identity], cur)
		z.open[identity] = &c
	default:
		z.earlier[identity] = append(z.earlier[identity], &c)
	}
	if z.parts[identity] < c.Part {
		z.parts[identity] = c.Part
	}
}

// holding reports whether the part with the given id of identity is open.
func (z *Sessionizer) holding(identity, id string) bool {
	if s := z.open[identity]; s != nil && s.ID == id {
		return true
	}
	for _, s := range z.earlier[identity] {
		if s.ID == id {
			return true
		}
	}
	return false
}

// Evict forgets open parts idle for longer than the inactivity gap at now,
// bounding memory to the actors active within one gap. Part numbers are kept
// so that an actor who returns continues its numbering.
func (z *Sessionizer) Evict(now time.Time) int {
	z.evictAliases(now)
	n := 0
	for k, list := range z.earlier {
		kept := list[:0]
		for _, s := range list {
			if now.Sub(s.LastSeen) > z.inactivity {
				n++
				continue
			}
			kept = append(kept, s)
		}
		clear(list[len(kept):])
		if len(kept) == 0 {
			delete(z.earlier, k)
		} else {
			z.earlier[k] = kept
		}
	}
	for k, s := range z.open {
		if now.Sub(s.LastSeen) > z.inactivity {
			delete(z.open, k)
			n++
			z.promote(k)
		}
	}
	return n
}

// promote makes the earlier part of identity with the latest first request
// its latest part, once the latest is gone.
func (z *Sessionizer) promote(identity string) {
	list := z.earlier[identity]
	if len(list) == 0 {
		return
	}
	i := 0
	for j, s := range list {
		if s.FirstSeen.After(list[i].FirstSeen) {
			i = j
		}
	}
	z.open[identity] = list[i]
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(z.earlier, identity)
	} else {
		z.earlier[identity] = list
	}
}

// OpenSession returns the open part with the given session id, or nil if
// the Sessionizer holds no such part (it was evicted, or never opened
// here). The pointer stays owned by the Sessionizer. It scans the open
// parts: it serves late detections, which arrive a few dozen at a time.
func (z *Sessionizer) OpenSession(id string) *Session {
	for _, s := range z.open {
		if s.ID == id {
			return s
		}
	}
	for _, list := range z.earlier {
		for _, s := range list {
			if s.ID == id {
				return s
			}
		}
	}
	return nil
}

// Open is the number of open session parts.
func (z *Sessionizer) Open() int {
	n := len(z.open)
	for _, list := range z.earlier {
		n += len(list)
	}
	return n
}
