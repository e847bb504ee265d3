package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
)

// sessionCache bounds the sessions a requests query keeps at hand to judge
// terms about the actor (user, role, abuse) on each request.
const sessionCache = 4096

// Requests calls yield with the requests opts selects until opts.Limit
// results or yield returns false. By time they come in the order of
// capture, streamed: from the candidates the request-level indexes give,
// or else from the session's requests or the whole log, so that a limit
// stops the read. The other orders judge every candidate first.
func Requests(ctx context.Context, ix Indexed, opts RequestOptions, yield func(engine.Exchange) bool) (Stats, error) {
	q := requestQuery{ctx: ctx, ix: ix, opts: opts, f: opts.filter(), yield: yield, stats: Stats{Candidates: -1, Total: -1}, sessions: map[string]*engine.Session{}}
	if opts.SessionID != "" {
		s, err := ix.Session(opts.SessionID)
		if err != nil {
			return q.stats, err
		}
		q.sessions[s.ID] = &s
		q.stats.Total = s.Requests
	} else {
		n, err := ix.ExchangeCount()
		if err != nil {
			return q.stats, fmt.Errorf("count requests: %w", err)
		}
		q.stats.Total = n
	}
	p, err := planRequests(ix, q.f, opts.SessionID)
	if err != nil {
		return q.stats, fmt.Errorf("plan filter: %w", err)
	}
	if !p.planned() && opts.SessionID == "" {
		if p, err = planBySessions(ix, q.f, q.stats.Total); err != nil {
			return q.stats, fmt.Errorf("plan filter: %w", err)
		}
	}
	if p.planned() {
		q.stats.Candidates = len(p.ids)
	}
	walk := "log"
	if opts.SessionID != "" {
		walk = "session"
	}
	q.stats.Plan = p.name(walk)
	if opts.Sort != ByTime {
		q.collect = true
	}
	switch {
	case p.planned():
		for ids := p.ids; len(ids) > 0 && !q.stop; {
			chunk := ids[:min(len(ids), pageSize)]
			ids = ids[len(chunk):]
			page, err := ix.ExchangesByID(chunk)
			if err != nil {
				return q.stats, err
			}
			q.visit(page)
		}
	default:
		// Walk every request in id order: one session's, or the store's.
		next := ix.ExchangesPage
		if opts.SessionID != "" {
			next = func(after uint64, limit int) ([]engine.Exchange, error) {
				return ix.RequestsPage(opts.SessionID, after, limit)
			}
		}
		for after := uint64(0); !q.stop; {
			page, err := next(after, pageSize)
			if err != nil {
				return q.stats, err
			}
			q.visit(page)
			if len(page) < pageSize {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	if q.err != nil {
		return q.stats, q.err
	}
	q.flush()
	return q.stats, nil
}

// CollectRequests runs Requests and returns its results.
func CollectRequests(ctx context.Context, ix Indexed, opts RequestOptions) ([]engine.Exchange, Stats, error) {
	var out []engine.Exchange
	stats, err := Requests(ctx, ix, opts, func(x engine.Exchange) bool {
		out = append(out, x)
		return true
	})
	return out, stats, err
}

type requestQuery struct {
	ctx      context.Context
	ix       Indexed
	opts     RequestOptions
	f        *filter.Filter
	yield    func(engine.Exchange) bool
	stats    Stats
	sessions map[string]*engine.Session
	// collect keeps the matches for a sort other than time.
	collect bool
	kept    []engine.Exchange
	yielded int
	stop    bool
	err     error
}

// visit judges a page of requests, yielding or keeping the matches.
func (q *requestQuery) visit(page []engine.Exchange) {
	for i := range page {
		if q.stop {
			return
		}
		if err := q.ctx.Err(); err != nil {
			q.err, q.stop = err, true
			return
		}
		x := &page[i]
		q.stats.Scanned++
		if q.f != nil && !q.f.Empty() {
			var s *engine.Session
			if q.f.NeedsSession() {
				var err error
				if s, err = q.session(x.SessionID); err != nil {
					q.err, q.stop = err, true
					return
				}
			}
			if !q.f.MatchRequest(x, s) {
				continue
			}
		}
		if q.collect {
			q.kept = append(q.kept, *x)
			continue
		}
		q.emit(*x)
	}
}

func (q *requestQuery) emit(x engine.Exchange) {
	q.yielded++
	if !q.yield(x) || q.opts.Limit > 0 && q.yielded >= q.opts.Limit {
		q.stop = true
	}
}

// session returns the session of a request, nil for one without.
func (q *requestQuery) session(id string) (*engine.Session, error) {
	if id == "" {
		return nil, nil
	}
	if s, ok := q.sessions[id]; ok {
		return s, nil
	}
	if len(q.sessions) >= sessionCache {
		clear(q.sessions)
	}
	s, err := q.ix.Session(id)
	if err != nil {
		return nil, fmt.Errorf("read session %s of a request: %w", id, err)
	}
	q.sessions[id] = &s
	return &s, nil
}

// flush yields the kept matches in the requested order.
func (q *requestQuery) flush() {
	if !q.collect {
		return
	}
	var key func(x *engine.Exchange) int64
	switch q.opts.Sort {
	case ByDuration:
		key = func(x *engine.Exchange) int64 { return int64(x.Duration) }
	case ByStatus:
		key = func(x *engine.Exchange) int64 { return int64(x.Status) }
	default:
		key = func(x *engine.Exchange) int64 { return x.ReqBody.Size + x.RespBody.Size }
	}
	slices.SortFunc(q.kept, func(a, b engine.Exchange) int {
		return cmp.Or(cmp.Compare(key(&b), key(&a)), cmp.Compare(a.ID, b.ID))
	})
	for _, x := range q.kept {
		if q.stop {
			return
		}
		q.emit(x)
	}
}
