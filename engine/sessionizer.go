package engine

import (
	"time"
)

// SessionizerOptions configure how exchanges become sessions.
type SessionizerOptions struct {
	Keys KeyList
	// Inactivity is the gap after which an actor's next request starts a new
	// part; zero means DefaultInactivity.
	Inactivity time.Duration
}

// Sessionizer assigns exchanges to sessions. It keeps the open part of every
// key value seen within the inactivity gap; Evict forgets the rest. It is not
// safe for concurrent use: one analysis goroutine owns it.
type Sessionizer struct {
	keys       KeyList
	ids        identityMemo // the keys, remembering recent actors
	inactivity time.Duration
	open       map[string]*Session // by identity hash
	parts      map[string]int      // last part number by identity hash
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
		parts:      map[string]int{},
	}
}

// Keys returns the effective key list.
func (z *Sessionizer) Keys() KeyList { return z.keys }

// Assign groups x into its session, sets x.SessionID and x.KeyPoint, and
// returns the updated session. The returned pointer stays owned by the
// Sessionizer: clone it before handing it to another goroutine.
func (z *Sessionizer) Assign(x *Exchange) *Session {
	return z.assign(x, z.ids.identify(NewView(x)))
}

// assign adds x to the open part of identity id, opening a new part when
// there is none or the open one has expired. The analyzer identifies an
// exchange before it redacts it and assigns it after, so that the session
// summary only ever sees the stored copy.
func (z *Sessionizer) assign(x *Exchange, id Identity) *Session {
	s := z.open[id.Value]
	if s == nil || z.expired(s, x.Start) {
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
		if s != nil {
			// The key value names the same actor across parts: what an
			// earlier part learned about its user and role still holds.
			next.User, next.Role = s.User, s.Role
		}
		s = next
		z.open[id.Value] = s
	}
	s.add(x)
	x.SessionID = s.ID
	x.KeyPoint = s.KeyPoint
	return s
}

func (z *Sessionizer) expired(s *Session, t time.Time) bool {
	return t.Sub(s.LastSeen) > z.inactivity || t.Sub(s.FirstSeen) > MaxSessionSpan
}

// Restore re-opens a session loaded from the store, so that traffic after a
// restart continues the part it belongs to.
func (z *Sessionizer) Restore(s Session) {
	c := s.Clone()
	identity := c.Identity
	if cur := z.open[identity]; cur == nil || cur.LastSeen.Before(c.LastSeen) {
		z.open[identity] = &c
	}
	if z.parts[identity] < c.Part {
		z.parts[identity] = c.Part
	}
}

// Evict forgets open parts idle for longer than the inactivity gap at now,
// bounding memory to the actors active within one gap. Part numbers are kept
// so that an actor who returns continues its numbering.
func (z *Sessionizer) Evict(now time.Time) int {
	n := 0
	for k, s := range z.open {
		if now.Sub(s.LastSeen) > z.inactivity {
			delete(z.open, k)
			n++
		}
	}
	return n
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
	return nil
}

// Open is the number of open session parts.
func (z *Sessionizer) Open() int { return len(z.open) }
