package query

import (
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/store"
)

// Muting is a store's reads with the mute rules in force applied to the
// history stored before them: every session, request and exchange it
// returns has the tags a mute covers marked MutedBy, and a session's
// attack counts without them, as if the mute had applied when they were
// captured. It is how a mute saved later reaches every count and the
// attack: filter (the filter judges what Muting returns; the indexes only
// narrow candidates) without rewriting the store.
//
// It embeds the store, so it satisfies every read interface the store
// does (Source, Indexed, the TUI's SessionSource, report.Source); the
// store's own writers never see it. With no mute in force it adds nothing
// but one call of mutes per read.
type Muting struct {
	*store.Store
	// mutes returns the mute rules in force, nil when there is none.
	mutes func() engine.Muter
}

// Muted returns st's reads with the mute rules mutes returns applied; a
// nil mutes applies none.
func Muted(st *store.Store, mutes func() engine.Muter) *Muting {
	return &Muting{Store: st, mutes: mutes}
}

// StoredMutes returns st's reads with the mute rules st holds, as they
// apply at now: the reads of a command that does not change the rules.
func StoredMutes(st *store.Store, now time.Time) (*Muting, error) {
	set, err := st.RuleSet()
	if err != nil {
		return nil, err
	}
	m := set.Muter(now)
	return Muted(st, func() engine.Muter { return m }), nil
}

// SavedMutes returns st's reads with the mute rules st holds, as they
// apply at each read by clock: the reads of an interface kept open, in
// which a mute's expiry must take effect when it comes. The rules are read
// once: no other process can change them while st is open read-only.
func SavedMutes(st *store.Store, clock func() time.Time) (*Muting, error) {
	set, err := st.RuleSet()
	if err != nil {
		return nil, err
	}
	return Muted(st, func() engine.Muter { return set.Muter(clock()) }), nil
}

// Mutes returns the mute rules in force, nil when none is. A query that
// would count from the indexes alone must judge what Muting reads instead
// while Mutes is not nil: the attack postings file the tags that counted
// when they were stored, including those a later mute covers.
func (m *Muting) Mutes() engine.Muter { return m.muter() }

func (m *Muting) muter() engine.Muter {
	if m.mutes == nil {
		return nil
	}
	return m.mutes()
}

// Sessions is store.Sessions with the mutes in force.
func (m *Muting) Sessions(limit int) ([]engine.Session, error) {
	ss, err := m.Store.Sessions(limit)
	return m.sessions(ss, err)
}

// SessionsPage is store.SessionsPage with the mutes in force.
func (m *Muting) SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error) {
	ss, next, err := m.Store.SessionsPage(token, limit)
	ss, err = m.sessions(ss, err)
	return ss, next, err
}

// OldestSessions is store.OldestSessions with the mutes in force.
func (m *Muting) OldestSessions(limit int) ([]engine.Session, error) {
	ss, err := m.Store.OldestSessions(limit)
	return m.sessions(ss, err)
}

// ActiveSince is store.ActiveSince with the mutes in force.
func (m *Muting) ActiveSince(t time.Time) ([]engine.Session, error) {
	ss, err := m.Store.ActiveSince(t)
	return m.sessions(ss, err)
}

// SessionsByID is store.SessionsByID with the mutes in force.
func (m *Muting) SessionsByID(ids []string) ([]engine.Session, error) {
	ss, err := m.Store.SessionsByID(ids)
	return m.sessions(ss, err)
}

// Session is store.Session with the mutes in force.
func (m *Muting) Session(id string) (engine.Session, error) {
	s, err := m.Store.Session(id)
	if err != nil {
		return s, err
	}
	if mu := m.muter(); mu != nil {
		err = m.uncount(mu, &s)
	}
	return s, err
}

// Requests is store.Requests with the mutes in force.
func (m *Muting) Requests(sessionID string) ([]engine.Exchange, error) {
	xs, err := m.Store.Requests(sessionID)
	return m.exchanges(xs, err)
}

// RequestsPage is store.RequestsPage with the mutes in force.
func (m *Muting) RequestsPage(sessionID string, after uint64, limit int) ([]engine.Exchange, error) {
	xs, err := m.Store.RequestsPage(sessionID, after, limit)
	return m.exchanges(xs, err)
}

// ExchangesByID is store.ExchangesByID with the mutes in force.
func (m *Muting) ExchangesByID(ids []uint64) ([]engine.Exchange, error) {
	xs, err := m.Store.ExchangesByID(ids)
	return m.exchanges(xs, err)
}

// ExchangesPage is store.ExchangesPage with the mutes in force.
func (m *Muting) ExchangesPage(after uint64, limit int) ([]engine.Exchange, error) {
	xs, err := m.Store.ExchangesPage(after, limit)
	return m.exchanges(xs, err)
}

// Exchange is store.Exchange with the mutes in force.
func (m *Muting) Exchange(id uint64) (engine.Exchange, error) {
	x, err := m.Store.Exchange(id)
	if err != nil {
		return x, err
	}
	xs, err := m.exchanges([]engine.Exchange{x}, nil)
	if err != nil {
		return x, err
	}
	return xs[0], nil
}

func (m *Muting) sessions(ss []engine.Session, err error) ([]engine.Session, error) {
	mu := m.muter()
	if err != nil || mu == nil {
		return ss, err
	}
	for i := range ss {
		if err := m.uncount(mu, &ss[i]); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

// uncount takes out of s's attack counts the tags of its stored requests
// that mu covers now and no mute covered when they were stored. Only the
// requests the attack index files under a type mu may mute are read.
func (m *Muting) uncount(mu engine.Muter, s *engine.Session) error {
	some := false
	for typ, n := range s.Attacks {
		some = some || n > 0 && mu.MayMute(typ)
	}
	if !some {
		return nil
	}
	ids, err := m.Store.ExchangeIDsMatching("attack", func(typ string) bool { return s.Attacks[typ] > 0 && mu.MayMute(typ) }, s.ID)
	if err != nil {
		return fmt.Errorf("muted tags of session %s: %w", s.ID, err)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), pageSize)]
		ids = ids[len(chunk):]
		xs, err := m.Store.ExchangesByID(chunk)
		if err != nil {
			return fmt.Errorf("muted tags of session %s: %w", s.ID, err)
		}
		for i := range xs {
			s.Uncount(engine.MarkMuted(mu, &xs[i], s))
		}
	}
	return nil
}

// exchanges marks the tags of xs that the mutes in force cover, each
// judged with its session as stored.
func (m *Muting) exchanges(xs []engine.Exchange, err error) ([]engine.Exchange, error) {
	mu := m.muter()
	if err != nil || mu == nil {
		return xs, err
	}
	var sess engine.Session
	for i := range xs {
		x := &xs[i]
		if !mayMuteSome(mu, x.Attacks) {
			continue
		}
		if x.SessionID != "" && x.SessionID != sess.ID {
			if sess, err = m.sessionOf(x); err != nil {
				return nil, err
			}
		}
		var s *engine.Session
		if sess.ID != "" && sess.ID == x.SessionID {
			s = &sess
		}
		engine.MarkMuted(mu, x, s)
	}
	return xs, nil
}

func mayMuteSome(mu engine.Muter, tags []engine.AttackTag) bool {
	for i := range tags {
		if tags[i].Counted() && mu.MayMute(tags[i].Type) {
			return true
		}
	}
	return false
}

// UncountEndpoints takes out of the attack counts of rows (an inventory
// counted as the requests arrived) the tags of stored requests that the
// mutes in force cover and no mute covered when they were stored. Only
// the requests the attack index files under a type a mute may cover are
// read.
func (m *Muting) UncountEndpoints(rows []inventory.Endpoint) error {
	mu := m.muter()
	if mu == nil {
		return nil
	}
	type key struct{ method, host, template string }
	at := make(map[key]int, len(rows))
	for i, e := range rows {
		at[key{e.Method, e.Host, e.Template}] = i
	}
	ids, err := m.Store.ExchangeIDsMatching("attack", mu.MayMute, "")
	if err != nil {
		return fmt.Errorf("muted tags of the inventory: %w", err)
	}
	var sess engine.Session
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), pageSize)]
		ids = ids[len(chunk):]
		xs, err := m.Store.ExchangesByID(chunk)
		if err != nil {
			return fmt.Errorf("muted tags of the inventory: %w", err)
		}
		for i := range xs {
			x := &xs[i]
			if x.SessionID != "" && x.SessionID != sess.ID {
				if sess, err = m.sessionOf(x); err != nil {
					return err
				}
			}
			var s *engine.Session
			if sess.ID != "" && sess.ID == x.SessionID {
				s = &sess
			}
			newly := engine.MarkMuted(mu, x, s)
			if len(newly) == 0 {
				continue
			}
			i, ok := at[key{x.Method, x.Host, x.Template()}]
			if !ok {
				continue
			}
			e := &rows[i]
			e.Attacks = cloneCounts(e.Attacks)
			for _, t := range newly {
				if e.Attacks[t.Type] > 0 {
					if e.Attacks[t.Type]--; e.Attacks[t.Type] == 0 {
						delete(e.Attacks, t.Type)
					}
				}
			}
		}
	}
	return nil
}

func cloneCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sessionOf reads the session of x, or none when a regroup has replaced
// it since x was read: x is then judged as a request without a session.
func (m *Muting) sessionOf(x *engine.Exchange) (engine.Session, error) {
	s, err := m.Store.Session(x.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return engine.Session{}, nil
	}
	if err != nil {
		return s, fmt.Errorf("session %s of a request: %w", x.SessionID, err)
	}
	return s, nil
}
