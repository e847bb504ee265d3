package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/store"
)

// pageSize is how many sessions or requests one read asks the source for.
const pageSize = 256

// walkShare is, for a query without a limit, the share of the store above
// which candidates are found faster by walking the last-seen order and
// testing membership than by reading them one by one and sorting.
const walkShare = 8

// Sessions calls yield with the sessions opts selects, in opts.Sort order
// (ties go to the most recently active, then to the larger id, which is the
// store's last-seen order),
// until opts.Limit results or yield returns false. With the default order
// and no narrower index, it walks sessions newest first and stops at the
// limit; otherwise it judges every candidate, sorts the matches by their
// keys and reads only the ones it yields in full a second time.
func Sessions(ctx context.Context, src Source, opts Options, yield func(engine.Session) bool) (Stats, error) {
	q := sessionQuery{ctx: ctx, src: src, opts: opts, f: opts.filter(), stats: Stats{Candidates: -1, Total: -1}}
	ix, indexed := src.(Indexed)
	var p plan[string]
	exchanges := 0
	if indexed {
		var err error
		if exchanges, err = ix.ExchangeCount(); err != nil {
			return q.stats, fmt.Errorf("count exchanges: %w", err)
		}
		if p, err = planSessions(ix, q.f); err != nil {
			return q.stats, fmt.Errorf("plan filter: %w", err)
		}
		if p.planned() {
			q.stats.Candidates = len(p.ids)
		}
	}
	q.stats.Plan = p.name("last_seen")
	q.yield = yield
	var err error
	switch {
	case opts.Sort == ByLastSeen && (!p.planned() || walkFaster(len(p.ids), opts.Limit, exchanges)):
		err = q.walk(p)
	case p.planned():
		err = q.sorted(ix, func(visit func(*engine.Session) bool) error {
			for ids := p.ids; len(ids) > 0; {
				chunk := ids[:min(len(ids), pageSize)]
				ids = ids[len(chunk):]
				page, err := ix.SessionsByID(chunk)
				if err != nil {
					return err
				}
				for i := range page {
					if !visit(&page[i]) {
						return nil
					}
				}
			}
			return nil
		})
	default:
		err = q.sorted(ix, q.pages)
	}
	if err == nil && q.stats.Partial && indexed {
		// Only a cut result needs the total, to say what it is a part of.
		_, q.stats.Total, err = ix.Count()
	}
	return q.stats, err
}

// walkFaster reports whether walking the last-seen order to the limit
// reads fewer sessions than reading the candidates by id: the walk reads
// about limit / share sessions, where share is the candidates' part of the
// store, and the exchange count bounds the session count from above
// (counting sessions walks an index).
func walkFaster(candidates, limit, exchanges int) bool {
	if limit <= 0 {
		return candidates*walkShare > exchanges
	}
	return candidates*candidates > limit*exchanges
}

// CollectSessions runs Sessions and returns its results.
func CollectSessions(ctx context.Context, src Source, opts Options) ([]engine.Session, Stats, error) {
	var out []engine.Session
	stats, err := Sessions(ctx, src, opts, func(s engine.Session) bool {
		out = append(out, s)
		return true
	})
	return out, stats, err
}

type sessionQuery struct {
	ctx     context.Context
	src     Source
	opts    Options
	f       *filter.Filter
	stats   Stats
	yield   func(engine.Session) bool
	yielded int
	err     error
}

// done reports whether no more results are wanted.
func (q *sessionQuery) done() bool {
	return q.opts.Limit > 0 && q.yielded >= q.opts.Limit
}

// emit yields s and reports whether to go on.
func (q *sessionQuery) emit(s engine.Session) bool {
	q.yielded++
	return q.yield(s) && !q.done()
}

// judge evaluates the whole filter on s, reading its requests only when a
// term needs them and the summary alone did not decide. It reports false,
// with q.err or Partial set, when the query must stop.
func (q *sessionQuery) judge(s *engine.Session) (match, goOn bool) {
	if err := q.ctx.Err(); err != nil {
		q.err = err
		return false, false
	}
	if q.opts.MaxScan > 0 && q.stats.Scanned >= q.opts.MaxScan {
		q.stats.Partial = true
		return false, false
	}
	q.stats.Scanned++
	f := q.f
	if f == nil || f.Empty() || f.MatchSession(s) {
		return true, true
	}
	if !f.NeedsRequests() {
		return false, true
	}
	if q.opts.MaxRequestReads > 0 && q.stats.RequestReads >= q.opts.MaxRequestReads {
		q.stats.Partial = true
		return false, false
	}
	q.stats.RequestReads++
	xs, err := q.src.Requests(s.ID)
	if err != nil {
		q.err = fmt.Errorf("read requests of session %s: %w", s.ID, err)
		return false, false
	}
	return f.MatchSessionRequests(s, xs), true
}

// pages visits every session newest first, stopping when visit says so.
func (q *sessionQuery) pages(visit func(*engine.Session) bool) error {
	var token store.PageToken
	for {
		page, next, err := q.src.SessionsPage(token, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			if !visit(&page[i]) {
				return nil
			}
		}
		if next == "" {
			return nil
		}
		token = next
	}
}

// walk streams matches newest first, skipping sessions outside the plan's
// candidates, and stops at the limit or at the first session older than
// the filter's since bound.
func (q *sessionQuery) walk(p plan[string]) error {
	var bound, hasBound = q.since()
	err := q.pages(func(s *engine.Session) bool {
		if hasBound && s.LastSeen.Before(bound) {
			return false
		}
		if p.planned() && !contains(p.ids, s.ID) {
			return true
		}
		match, goOn := q.judge(s)
		if !goOn {
			return false
		}
		return !match || q.emit(*s)
	})
	return cmp.Or(q.err, err)
}

func (q *sessionQuery) since() (bound time.Time, ok bool) {
	if q.f == nil {
		return bound, false
	}
	return q.f.Since()
}

// sortKey is what the sorted path keeps of a match between its two reads.
type sortKey struct {
	id       string
	key      int64
	lastSeen int64
}

// sorted judges every session each visits, keeps the sort keys of the
// matches, and yields them in order, reading each again by id. A source
// without indexes cannot read by id, so its matches are kept whole.
func (q *sessionQuery) sorted(ix Indexed, each func(visit func(*engine.Session) bool) error) error {
	var keys []sortKey
	var kept []engine.Session
	key := q.sortKeyOf()
	err := each(func(s *engine.Session) bool {
		match, goOn := q.judge(s)
		if match {
			keys = append(keys, sortKey{id: s.ID, key: key(s), lastSeen: s.LastSeen.UnixNano()})
			if ix == nil {
				kept = append(kept, *s)
			}
		}
		return goOn
	})
	if err = cmp.Or(q.err, err); err != nil {
		return err
	}
	order := func(a, b sortKey) int {
		return cmp.Or(cmp.Compare(b.key, a.key), cmp.Compare(b.lastSeen, a.lastSeen), cmp.Compare(b.id, a.id))
	}
	if ix == nil {
		slices.SortStableFunc(kept, func(a, b engine.Session) int {
			return order(sortKey{a.ID, key(&a), a.LastSeen.UnixNano()}, sortKey{b.ID, key(&b), b.LastSeen.UnixNano()})
		})
		for _, s := range kept {
			if !q.emit(s) {
				return nil
			}
		}
		return nil
	}
	slices.SortFunc(keys, order)
	if q.opts.Limit > 0 && len(keys) > q.opts.Limit {
		keys = keys[:q.opts.Limit]
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), pageSize)]
		keys = keys[len(chunk):]
		ids := make([]string, len(chunk))
		for i, k := range chunk {
			ids[i] = k.id
		}
		page, err := ix.SessionsByID(ids)
		if err != nil {
			return err
		}
		for _, s := range page {
			if !q.emit(s) {
				return nil
			}
		}
	}
	return nil
}

// sortKeyOf returns the key of opts.Sort, larger first.
func (q *sessionQuery) sortKeyOf() func(s *engine.Session) int64 {
	switch q.opts.Sort {
	case ByFirstSeen:
		return func(s *engine.Session) int64 { return s.FirstSeen.UnixNano() }
	case ByRequests:
		return func(s *engine.Session) int64 { return int64(s.Requests) }
	case ByErrors:
		return func(s *engine.Session) int64 { return int64(s.ClassCount(4) + s.ClassCount(5)) }
	case ByAttacks:
		return func(s *engine.Session) int64 { return int64(s.AttackCount()) }
	}
	return func(s *engine.Session) int64 { return s.LastSeen.UnixNano() }
}
