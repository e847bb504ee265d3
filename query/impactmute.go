package query

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// mutedHistory is what the mutes in force change in stored history, read
// once for a whole pass: the tags of each stored request that a mute
// covers now and none covered when it was stored, marked as Muting marks
// them when it reads the request, and the same tags by session, which
// Muting takes out of the session's counts when it reads the session.
// Only the requests the attack index files under a type a mute may cover
// are read, as Muting reads them, but each once for the pass rather than
// once per read.
type mutedHistory struct {
	// marks holds, for each request with a newly muted tag, where its
	// newly muted tags are in its tag list and by which rule.
	marks map[uint64][]tagMark
	// bySession holds the newly muted tags of each session's requests.
	bySession map[string][]engine.AttackTag
}

// readMutedHistory reads what mu changes in st's history, in workers
// slices of the tagged requests at once. Each tag is judged with the
// request's session as stored (engine.MarkMuted), as Muting judges it; a
// request whose session a regroup removed since is judged without one.
// Sessions are read only when a mute judges a request with its session
// (NeedsSession): otherwise MarkMuted answers the same without it.
func readMutedHistory(ctx context.Context, st *store.Store, mu engine.Muter, workers int) (*mutedHistory, error) {
	ids, err := st.ExchangeIDsMatching("attack", mu.MayMute, "")
	if err != nil {
		return nil, fmt.Errorf("muted tags: %w", err)
	}
	withSessions := true
	if ns, ok := mu.(interface{ NeedsSession() bool }); ok {
		withSessions = ns.NeedsSession()
	}
	parts := make([]mutedHistory, workers)
	err = inParallel(workers, func(i int) error {
		var err error
		parts[i], err = readMutedSlice(ctx, st, mu, share(ids, i, workers), withSessions)
		return err
	})
	if err != nil {
		return nil, err
	}
	h := &mutedHistory{marks: map[uint64][]tagMark{}, bySession: map[string][]engine.AttackTag{}}
	for _, part := range parts {
		maps.Copy(h.marks, part.marks)
		for id, tags := range part.bySession {
			h.bySession[id] = append(h.bySession[id], tags...)
		}
	}
	return h, nil
}

// readMutedSlice reads what mu changes in the requests ids.
func readMutedSlice(ctx context.Context, st *store.Store, mu engine.Muter, ids []uint64, withSessions bool) (mutedHistory, error) {
	h := mutedHistory{marks: map[uint64][]tagMark{}, bySession: map[string][]engine.AttackTag{}}
	sessions := map[string]*engine.Session{}
	for len(ids) > 0 {
		if err := ctx.Err(); err != nil {
			return h, err
		}
		chunk := ids[:min(len(ids), pageSize)]
		ids = ids[len(chunk):]
		xs, err := st.ExchangesByID(chunk)
		if err != nil {
			return h, fmt.Errorf("muted tags: %w", err)
		}
		clear(sessions)
		if withSessions {
			var want []string
			for i := range xs {
				if id := xs[i].SessionID; id != "" {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			ss, err := st.SessionsByID(slices.Compact(want))
			if err != nil {
				return h, fmt.Errorf("muted tags: %w", err)
			}
			for i := range ss {
				sessions[ss[i].ID] = &ss[i]
			}
		}
		for i := range xs {
			x := &xs[i]
			stored := x.Attacks
			newly := engine.MarkMuted(mu, x, sessions[x.SessionID])
			if len(newly) == 0 {
				continue
			}
			for j := range x.Attacks {
				if x.Attacks[j].MutedBy != stored[j].MutedBy {
					h.marks[x.ID] = append(h.marks[x.ID], tagMark{at: j, tag: stored[j], by: x.Attacks[j].MutedBy})
				}
			}
			if x.SessionID != "" {
				h.bySession[x.SessionID] = append(h.bySession[x.SessionID], newly...)
			}
		}
	}
	return h, nil
}

// tagMark is one tag a mute covers now: its place in the request's tag
// list, the tag as it was read, and the rule.
type tagMark struct {
	at  int
	tag engine.AttackTag
	by  string
}

// mark stamps on x's tags the mutes read for it. A tag is stamped only
// where the list still holds the tag that was judged: tags added since
// (the catch-up queue's late checks) are left as they are read.
func (h *mutedHistory) mark(x *engine.Exchange) {
	marks, ok := h.marks[x.ID]
	if !ok || len(x.Attacks) == 0 {
		return
	}
	var tags []engine.AttackTag
	for _, m := range marks {
		if m.at >= len(x.Attacks) || !sameTag(x.Attacks[m.at], m.tag) {
			continue
		}
		if tags == nil {
			tags = slices.Clone(x.Attacks) // the read's slice may be shared
		}
		tags[m.at].MutedBy = m.by
	}
	if tags != nil {
		x.Attacks = tags
	}
}

// sameTag reports whether a and b are the same finding.
func sameTag(a, b engine.AttackTag) bool {
	return a.Type == b.Type && a.Rule == b.Rule && a.Point == b.Point && a.MutedBy == b.MutedBy
}

// uncount takes the newly muted tags of s's requests out of its counts.
func (h *mutedHistory) uncount(s *engine.Session) {
	if len(s.Attacks) == 0 {
		return
	}
	s.Uncount(h.bySession[s.ID])
}

// mutedScanner is a store's reads for the pass with a mutedHistory
// applied: what Muting's reads return, from one reading of the muted
// tags. The index lookups it passes through narrow candidates only,
// which the pass then judges on what these reads return, as every query
// over Muting does.
type mutedScanner struct {
	Scanner
	h *mutedHistory
}

func (m mutedScanner) exchanges(xs []engine.Exchange, err error) ([]engine.Exchange, error) {
	for i := range xs {
		m.h.mark(&xs[i])
	}
	return xs, err
}

func (m mutedScanner) sessions(ss []engine.Session, err error) ([]engine.Session, error) {
	for i := range ss {
		m.h.uncount(&ss[i])
	}
	return ss, err
}

func (m mutedScanner) ScanExchanges(opts store.ScanOptions, fn func(x *engine.Exchange) (bool, error)) error {
	return m.Scanner.ScanExchanges(opts, func(x *engine.Exchange) (bool, error) {
		m.h.mark(x)
		return fn(x)
	})
}

func (m mutedScanner) ScanSessions(opts store.ScanOptions, fn func(s *engine.Session, ids []uint64) (bool, error)) error {
	return m.Scanner.ScanSessions(opts, func(s *engine.Session, ids []uint64) (bool, error) {
		m.h.uncount(s)
		return fn(s, ids)
	})
}

func (m mutedScanner) SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error) {
	ss, next, err := m.Scanner.SessionsPage(token, limit)
	ss, err = m.sessions(ss, err)
	return ss, next, err
}

func (m mutedScanner) Session(id string) (engine.Session, error) {
	s, err := m.Scanner.Session(id)
	m.h.uncount(&s)
	return s, err
}

func (m mutedScanner) SessionsByID(ids []string) ([]engine.Session, error) {
	return m.sessions(m.Scanner.SessionsByID(ids))
}

func (m mutedScanner) Requests(sessionID string) ([]engine.Exchange, error) {
	return m.exchanges(m.Scanner.Requests(sessionID))
}

func (m mutedScanner) RequestsPage(sessionID string, after uint64, limit int) ([]engine.Exchange, error) {
	return m.exchanges(m.Scanner.RequestsPage(sessionID, after, limit))
}

func (m mutedScanner) ExchangesByID(ids []uint64) ([]engine.Exchange, error) {
	return m.exchanges(m.Scanner.ExchangesByID(ids))
}

func (m mutedScanner) ExchangesPage(after uint64, limit int) ([]engine.Exchange, error) {
	return m.exchanges(m.Scanner.ExchangesPage(after, limit))
}
