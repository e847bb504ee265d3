package engine

// Muter names the mute rule that covers a tag: the rules a user saved,
// compiled (engine/rules' Set satisfies it for one instant). The capture
// asks it when a tag is found; reads of history stored before a mute ask
// it again (MarkMuted), so that a mute saved later takes the tags it
// covers out of every count without rewriting what is stored.
type Muter interface {
	// MutedBy returns the id of the first mute rule that covers tag on
	// request x of session s (nil when unknown), or "".
	MutedBy(x *Exchange, s *Session, tag AttackTag) string
	// MayMute reports whether some mute rule could cover a tag of type
	// typ, so that a reader looks for muted tags only where there can be
	// some.
	MayMute(typ string) bool
}

// Counted reports whether the tag counts: every count of attacks (a
// session's, an endpoint's, a report's, the traffic graph's) and the
// attack: filter take only the tags no mute rule covered. A muted tag is
// still shown, as muted by its rule.
func (t *AttackTag) Counted() bool { return t.MutedBy == "" }

// CountedTags returns the tags that count, tags itself when none is
// muted.
func CountedTags(tags []AttackTag) []AttackTag {
	n := 0
	for i := range tags {
		if tags[i].Counted() {
			n++
		}
	}
	if n == len(tags) {
		return tags
	}
	out := make([]AttackTag, 0, n)
	for _, t := range tags {
		if t.Counted() {
			out = append(out, t)
		}
	}
	return out
}

// MarkMuted stamps MutedBy on the tags of x that m covers and no rule had
// muted yet, x's session being s (nil when unknown), and returns those
// tags: counted when they were stored, muted now. x.Attacks is copied
// before it changes, since a stored exchange's slice may be shared. A nil
// m marks nothing.
func MarkMuted(m Muter, x *Exchange, s *Session) []AttackTag {
	if m == nil {
		return nil
	}
	var newly []AttackTag
	for i := range x.Attacks {
		t := x.Attacks[i]
		if !t.Counted() || !m.MayMute(t.Type) {
			continue
		}
		by := m.MutedBy(x, s, t)
		if by == "" {
			continue
		}
		if newly == nil {
			x.Attacks = append([]AttackTag(nil), x.Attacks...)
		}
		x.Attacks[i].MutedBy = by
		newly = append(newly, x.Attacks[i])
	}
	return newly
}

// Uncount takes tags that MarkMuted returned for the session's stored
// requests out of s.Attacks, as if they had been muted when they were
// found. s.Attacks is copied first: a stored summary's map may be shared.
func (s *Session) Uncount(newlyMuted []AttackTag) {
	if len(newlyMuted) == 0 {
		return
	}
	s.Attacks = cloneMap(s.Attacks)
	for _, t := range newlyMuted {
		if s.Attacks[t.Type] == 0 {
			continue
		}
		if s.Attacks[t.Type]--; s.Attacks[t.Type] == 0 {
			delete(s.Attacks, t.Type)
		}
	}
}
