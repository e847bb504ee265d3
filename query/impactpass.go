package query

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/store"
)

// Scanner is an Indexed source that can also walk its log in slices,
// decoding only the parts of each exchange a filter reads. The store is
// one; the impact preview needs one to judge each request once.
type Scanner interface {
	Indexed
	ScanExchanges(opts store.ScanOptions, fn func(x *engine.Exchange) (bool, error)) error
	ScanSessions(opts store.ScanOptions, fn func(s *engine.Session, ids []uint64) (bool, error)) error
	LogRange() (first, last uint64, err error)
}

var _ Scanner = (*store.Store)(nil)

// scanShare divides the log's share up to which the pass reads the
// requests of the sessions a session-level index names instead of
// scanning the log: a sessionShare of the log for a requests query, a
// scanShare of that for the pass, which scans with both cores and skips
// the sessions of other actors without reading them.
const scanShare = 8

// maxScanWorkers bounds the slices of the log a pass scans at once.
const maxScanWorkers = 4

// scanWorkers is how many slices of the log a pass scans at once: one per
// processor the runtime may use, up to maxScanWorkers.
func scanWorkers() int { return max(1, min(runtime.GOMAXPROCS(0), maxScanWorkers)) }

// impactPass derives an Impact from one judgement of each candidate
// request. A request matches as in Requests: the whole filter on the
// request and, for the terms about the actor, its session. A session
// matches as in Sessions: its summary for the terms it answers, and for
// the terms about requests (method, path, endpoint, blocked, a bare
// word's endpoints) whether any of its requests satisfies each, which
// the pass records per session as a filter.Tally while it judges the
// requests. When the pass walked the whole log, every session's tally is
// complete and no session's requests are read again; when an index
// narrowed the requests, a session the partial tally leaves undecided
// has its requests read, as the sessions query would.
type impactPass struct {
	ctx     context.Context
	sc      Scanner
	f       *filter.Filter
	workers int
}

func (p *impactPass) run() (Impact, error) {
	total, err := p.sc.ExchangeCount()
	if err != nil {
		return Impact{}, fmt.Errorf("count requests: %w", err)
	}
	requests, err := planRequests(p.sc, p.f, "")
	if err == nil && !requests.planned() {
		// Reading sessions' requests costs seeks a scan of the log does
		// not; the pass takes that way only for a smaller share than
		// the requests query does.
		requests, err = planBySessions(p.sc, p.f, total/scanShare)
	}
	if err != nil {
		return Impact{}, fmt.Errorf("plan filter: %w", err)
	}
	if len(requests.ids)*walkShare > total {
		// So many candidates are read faster in the log's order, and a
		// scan judges every request, which completes every tally.
		requests = plan[uint64]{}
	}
	sessions, err := planSessions(p.sc, p.f)
	if err != nil {
		return Impact{}, fmt.Errorf("plan filter: %w", err)
	}
	actors, err := planActors(p.sc, p.f)
	if err != nil {
		return Impact{}, fmt.Errorf("plan filter: %w", err)
	}
	if !requests.planned() && p.f.NeedsSession() && !actors.planned() && len(tallied(p.f.TalliedBits())) <= maxTableTerms && total <= maxActorTable {
		return p.actorsFirst(sessions)
	}
	var w *passWorker
	var tallies *sessionTallies
	if requests.planned() {
		w, err = p.requestsByID(requests.ids, actors.member())
		if w != nil {
			tallies = &sessionTallies{byID: w.tallies}
		}
	} else {
		w, tallies, err = p.scanRequests(actors.member(), total, total/walkShare)
	}
	if err != nil {
		return Impact{}, err
	}
	complete := !requests.planned()
	counts, err := p.judgeSessions(tallies, sessions, complete, total)
	if err != nil {
		return Impact{}, err
	}
	return impactOf(w, counts), nil
}

// impactOf is the Impact of what the workers counted: w's requests and
// flows, c's sessions and users.
func impactOf(w *passWorker, c sessionCounts) Impact {
	return Impact{
		Requests: w.requests, Sessions: c.sessions, CleanSessions: c.clean,
		Users: len(c.users), Flows: len(w.flows),
		TopUsers: top(c.users.plain()), TopFlows: top(w.flows.plain()),
	}
}

// sessionCounts is what the matching sessions add to an Impact.
type sessionCounts struct {
	sessions, clean int
	users           nameCounts
}

func (c *sessionCounts) add(s *engine.Session) {
	c.sessions++
	if Clean(s) {
		c.clean++
	}
	if s.User != "" {
		c.users.add(s.User, 1)
	}
}

// merge adds o to c.
func (c *sessionCounts) merge(o sessionCounts) {
	c.sessions += o.sessions
	c.clean += o.clean
	c.users.merge(o.users)
}

// planActors narrows requests through the session-level indexes of the
// terms a request is judged on through its session (user, role, abuse):
// a request whose session is not among them fails that term, so the pass
// need not read its session. Attack is left out: a request is judged on
// its own tags, a session on its counts.
func planActors(ix Indexed, f *filter.Filter) (plan[string], error) {
	var p plan[string]
	for _, t := range f.IndexTerms() {
		switch t.Field {
		case "user", "role", "abuse":
		default:
			continue
		}
		ids, err := ix.SessionIDsMatching(t.Field, t.Accept)
		if err != nil {
			return p, err
		}
		p.ids = intersect(p.ids, ids, p.planned())
		p.fields = append(p.fields, t.Field)
	}
	return p, nil
}

// judgeSessions judges the sessions that may match and counts those that
// do. The candidates are those whose complete tallies hold the filter's
// required bits (within the indexes' candidates, if any), else the
// indexes' candidates, else every session. A few are read by id; when
// they are more than a walkShare of the store, every session is walked
// in slices and the others skipped, which reads pages in order instead
// of seeking for each.
func (p *impactPass) judgeSessions(tallies *sessionTallies, sessions plan[string], complete bool, total int) (sessionCounts, error) {
	required := p.f.RequiredTally()
	inPlan := sessions.member()
	var keep func(id string, ids []uint64) bool
	var ids []string
	walk := false
	switch {
	case complete && required != 0 && tallies.dense != nil:
		walk = true
		keep = func(id string, ids []uint64) bool {
			return tallies.of(id, ids)&required == required && inPlan(id)
		}
	case complete && required != 0:
		for id, t := range tallies.byID {
			if t&required == required {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		if sessions.planned() {
			ids = intersect(ids, sessions.ids, true)
		}
		keep = func(id string, _ []uint64) bool {
			return tallies.byID[id]&required == required && inPlan(id)
		}
	case sessions.planned():
		ids = sessions.ids
		keep = func(id string, _ []uint64) bool { return inPlan(id) }
		walk = tallies.dense != nil // by id, a session's exchange ids are not at hand
	default:
		walk = true
	}
	judge := func(c *sessionCounts, s *engine.Session, ids []uint64) error {
		match, err := p.matchSession(s, tallies.of(s.ID, ids), complete)
		if match {
			c.add(s)
		}
		return err
	}
	if !walk && len(ids)*walkShare <= total {
		// A slice of the ids per worker, each read a page at a time.
		cs := make([]sessionCounts, p.workers)
		err := p.parallel(func(i int) error {
			cs[i].users = nameCounts{}
			return readPaged(p.ctx, share(ids, i, p.workers), p.sc.SessionsByID, func(s *engine.Session) error {
				return judge(&cs[i], s, nil)
			})
		})
		if err != nil {
			return sessionCounts{}, err
		}
		for _, o := range cs[1:] {
			cs[0].merge(o)
		}
		return cs[0], nil
	}
	cs := make([]sessionCounts, p.workers)
	err := p.parallel(func(i int) error {
		cs[i].users = nameCounts{}
		cancelled := cancelCheck(p.ctx)
		opts := store.ScanOptions{Part: i, Parts: len(cs), Only: keep, IDs: tallies.dense != nil, Decode: p.sessionParts(), Borrow: true}
		return p.sc.ScanSessions(opts, func(s *engine.Session, ids []uint64) (bool, error) {
			if err := cancelled(); err != nil {
				return false, err
			}
			return true, judge(&cs[i], s, ids)
		})
	})
	if err != nil {
		return sessionCounts{}, err
	}
	c := cs[0]
	for _, o := range cs[1:] {
		c.merge(o)
	}
	return c, nil
}

// matchSession judges s as the sessions query does, from its summary and
// tally, the OR of its judged requests' tallies: complete when the pass
// judged all its requests. An incomplete tally that leaves s undecided
// has its requests read.
func (p *impactPass) matchSession(s *engine.Session, tally filter.Tally, complete bool) (bool, error) {
	f := p.f
	if !f.NeedsRequests() {
		return f.MatchSession(s), nil
	}
	if complete {
		return f.MatchSessionTally(s, tally), nil
	}
	if f.Monotone() {
		if f.MatchSessionTally(s, tally) {
			return true, nil
		}
		if !f.MatchSessionTally(s, ^filter.Tally(0)) {
			return false, nil
		}
	}
	xs, err := p.sc.Requests(s.ID)
	if err != nil {
		return false, fmt.Errorf("read requests of session %s: %w", s.ID, err)
	}
	tally = 0
	for i := range xs {
		tally |= f.TallyRequest(&xs[i])
	}
	return f.MatchSessionTally(s, tally), nil
}

// requestsByID judges the requests an index named, a slice of them per
// worker, and merges what the workers found.
func (p *impactPass) requestsByID(ids []uint64, inActors func(string) bool) (*passWorker, error) {
	ws := make([]*passWorker, p.workers)
	err := p.parallel(func(i int) error {
		w := p.newWorker(inActors)
		ws[i] = w
		if err := readPaged(p.ctx, share(ids, i, p.workers), p.sc.ExchangesByID, w.visit); err != nil {
			return err
		}
		return w.flush()
	})
	if err != nil {
		return nil, err
	}
	w := ws[0]
	for _, o := range ws[1:] {
		w.merge(o)
		for id, t := range o.tallies {
			w.tallies[id] |= t
		}
	}
	return w, nil
}

// scanRequests judges every request of the log, p.workers slices at once,
// and merges what the workers found. Each session's tally is kept by
// session id while at most maxPairs requests set a bit, and otherwise by
// exchange id, which costs no hashing of session ids: the sessions are
// then judged by a walk that lists each one's exchange ids.
func (p *impactPass) scanRequests(inActors func(string) bool, total, maxPairs int) (*passWorker, *sessionTallies, error) {
	decode := p.decodeParts()
	ws := make([]*passWorker, p.workers)
	err := p.parallel(func(i int) error {
		w := p.newWorker(inActors)
		ws[i] = w
		w.scan, w.maxPairs = true, maxPairs
		if w.tally {
			// A slice's worth, so that the tallies never grow by copying.
			w.dense.tallies = make([]filter.Tally, 0, total/len(ws)+1)
		}
		cancelled := cancelCheck(p.ctx)
		err := p.sc.ScanExchanges(store.ScanOptions{Part: i, Parts: len(ws), Decode: decode}, func(x *engine.Exchange) (bool, error) {
			if err := cancelled(); err != nil {
				return false, err
			}
			return true, w.visit(x)
		})
		if err != nil {
			return err
		}
		return w.flush()
	})
	if err != nil {
		return nil, nil, err
	}
	w := ws[0]
	pairs := 0
	overflow := false
	for _, o := range ws {
		pairs += len(o.pairs)
		overflow = overflow || o.overflow
	}
	tallies := &sessionTallies{}
	if overflow || pairs > maxPairs {
		for _, o := range ws {
			tallies.dense = append(tallies.dense, o.dense)
		}
	} else {
		tallies.byID = make(map[string]filter.Tally, pairs)
		for _, o := range ws {
			for _, pt := range o.pairs {
				tallies.byID[pt.sessionID] |= pt.tally
			}
		}
	}
	for _, o := range ws[1:] {
		w.merge(o)
	}
	return w, tallies, nil
}

// decodeParts names the parts of an exchange the filter reads beyond
// the flat fields.
func (p *impactPass) decodeParts() store.Parts {
	decode := store.Parts(0)
	for _, name := range p.f.FieldNames() {
		switch name {
		case "text": // the user agent
			decode |= store.PartHeaders
		case "mcp":
			decode |= store.PartExtras
		}
	}
	return decode
}

// sessionParts names the parts of a session the filter reads beyond the
// summary's strings, times and attack counts (which Clean reads).
func (p *impactPass) sessionParts() store.Parts {
	for _, name := range p.f.FieldNames() {
		if name == "status" || name == "flow" {
			return store.PartCounts
		}
	}
	return 0
}

// sessionTallies gives each session the OR of its judged requests'
// tallies: kept by session id, or by exchange id (dense) for a scan
// that found many.
type sessionTallies struct {
	byID  map[string]filter.Tally
	dense []denseTallies
}

// of returns the tally of session id, whose exchange ids are ids (needed
// only when the tallies are dense).
func (t *sessionTallies) of(id string, ids []uint64) filter.Tally {
	if t.dense == nil {
		return t.byID[id]
	}
	var out filter.Tally
	for _, x := range ids {
		for _, d := range t.dense {
			if x >= d.base && x-d.base < uint64(len(d.tallies)) {
				out |= d.tallies[x-d.base]
				break
			}
		}
	}
	return out
}

// denseTallies are the tallies of the consecutive exchanges from base.
type denseTallies struct {
	base    uint64
	tallies []filter.Tally
}

// set records exchange id's tally; ids come in increasing order.
func (d *denseTallies) set(id uint64, t filter.Tally) {
	if len(d.tallies) == 0 {
		d.base = id
	}
	for uint64(len(d.tallies)) < id-d.base {
		d.tallies = append(d.tallies, 0) // a gap retention left
	}
	d.tallies = append(d.tallies, t)
}

// sessionTally is a session's tally from one request.
type sessionTally struct {
	sessionID string
	tally     filter.Tally
}

// passWorker judges requests, counting the matches and their flows and
// tallying the terms about requests per session. A request that needs
// its session waits in pending until a batch of them is read in one go
// (sessionBatch): one transaction and ordered lookups for many, where one
// lookup each opened a transaction and the generation every time.
type passWorker struct {
	p        *impactPass
	inActors func(sessionID string) bool
	tally    bool
	requests int
	flows    nameCounts
	tallies  map[string]filter.Tally
	// scan is set for a worker scanning a slice of the log, which keeps
	// its tallies per exchange (dense) and, until more than maxPairs
	// requests set a bit (overflow), per session (pairs).
	scan     bool
	dense    denseTallies
	pairs    []sessionTally
	maxPairs int
	overflow bool
	// sessions holds the last batch of sessions read.
	sessions map[string]*engine.Session
	pending  []engine.Exchange
	// x is the request being judged, whose session sessionOf gives.
	x *engine.Exchange
}

// sessionBatch is how many requests wait for their sessions at most.
const sessionBatch = 2048

// errPending says that a request's session is not at hand yet.
var errPending = errors.New("session pending")

func (p *impactPass) newWorker(inActors func(string) bool) *passWorker {
	return &passWorker{
		p: p, inActors: inActors, tally: p.f.NeedsRequests(),
		flows: nameCounts{}, tallies: map[string]filter.Tally{}, sessions: map[string]*engine.Session{},
	}
}

func (w *passWorker) visit(x *engine.Exchange) error {
	if w.tally {
		w.record(x)
	}
	w.x = x
	match, err := w.p.f.MatchRequestFunc(x, w.sessionOf)
	if errors.Is(err, errPending) {
		w.pending = append(w.pending, *x)
		if len(w.pending) == sessionBatch {
			return w.flush()
		}
		return nil
	}
	if err != nil {
		return err
	}
	if match {
		w.count(x)
	}
	return nil
}

// record keeps x's tally.
func (w *passWorker) record(x *engine.Exchange) {
	t := w.p.f.TallyRequest(x)
	if !w.scan {
		if t != 0 && x.SessionID != "" {
			w.tallies[x.SessionID] |= t
		}
		return
	}
	w.dense.set(x.ID, t)
	if t == 0 || x.SessionID == "" || w.overflow {
		return
	}
	if len(w.pairs) == w.maxPairs {
		w.pairs, w.overflow = nil, true
		return
	}
	w.pairs = append(w.pairs, sessionTally{x.SessionID, t})
}

func (w *passWorker) count(x *engine.Exchange) {
	w.requests++
	for _, name := range x.Flows {
		w.flows.add(name, 1)
	}
}

// merge adds what o counted to w.
func (w *passWorker) merge(o *passWorker) {
	w.requests += o.requests
	w.flows.merge(o.flows)
}

// sessionOf returns the session of the request being judged: nil for
// one without, or for one whose session the actors plan rules out (a
// term about the actor then fails, as it would on the session), or
// errPending when it has yet to be read.
func (w *passWorker) sessionOf() (*engine.Session, error) {
	id := w.x.SessionID
	if id == "" || !w.inActors(id) {
		return nil, nil
	}
	if s, ok := w.sessions[id]; ok {
		return s, nil
	}
	return nil, errPending
}

// flush reads the sessions of the pending requests and judges them.
func (w *passWorker) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	ids := make([]string, 0, len(w.pending))
	for i := range w.pending {
		ids = append(ids, w.pending[i].SessionID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	page, err := w.p.sc.SessionsByID(ids)
	if err != nil {
		return err
	}
	clear(w.sessions)
	for i := range page {
		w.sessions[page[i].ID] = &page[i]
	}
	for i := range w.pending {
		x := &w.pending[i]
		s, ok := w.sessions[x.SessionID]
		if !ok {
			return fmt.Errorf("read session %s of a request: %w", x.SessionID, store.ErrNotFound)
		}
		if w.p.f.MatchRequest(x, s) {
			w.count(x)
		}
	}
	w.pending = w.pending[:0]
	return nil
}
