package abuse

import (
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Tracker scores sessions for bot and abuse verdicts as their exchanges
// arrive. It keeps incremental counters per session part, per key across
// its parts and per client address across its sessions, recomputes a
// session's verdicts every Config.RecomputeEvery requests or as soon as a
// counter crosses a threshold, and forgets state that has been idle for
// longer than the configured times, measured in exchange time.
//
// A Tracker is not safe for concurrent use: like engine.Analyzer, one
// analysis goroutine owns it.
type Tracker struct {
	cfg        Config
	ua         uaMemo
	userPoints []engine.Point
	logins     *engine.LoginTable
	// loginEPs learns the answer shapes of each login endpoint.
	loginEPs map[loginKey]*loginEndpoint

	sessions map[string]*sessionState // by session id
	keys     map[string]*keyState     // by identity hash
	ips      map[string]*ipState      // by client address
	base     baselines

	// idleSessions, idleKeys and idleIPs find what a sweep evicts.
	idleSessions expiry[sessionState]
	idleKeys     expiry[keyState]
	idleIPs      expiry[ipState]

	// now is the latest exchange time seen; idle state is measured
	// against it, so that a late exchange cannot age anything out.
	now, lastSweep time.Time
	// lastKeySweep and lastIPSweep are when sweep last walked the keys
	// and the addresses.
	lastKeySweep, lastIPSweep time.Time

	// scratch holds one session's measures while it is scored.
	scratch [numDetectors]measure
	// free holds the states of forgotten sessions for new ones to reuse,
	// with their counters' storage: the sessions of an access log last a
	// few requests each, and allocating every one's state and counters
	// anew was a third of what the tracker allocated.
	free []*sessionState
}

// maxFreeSessions bounds Tracker.free: about what one sweep forgets of a
// busy capture.
const maxFreeSessions = 1024

// The Tracker is an analyzer observer: analyzer.Use(tracker) scores every
// exchange's live session before Process snapshots it.
var _ engine.Observer = (*Tracker)(nil)

// NewTracker returns a Tracker applying cfg, whose zero fields take their
// DefaultConfig values.
func NewTracker(cfg Config) (*Tracker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	logins, err := engine.NewLoginTable(cfg.Logins)
	if err != nil {
		return nil, fmt.Errorf("abuse: %w", err)
	}
	t := &Tracker{
		cfg:        cfg,
		ua:         newUAMemo(),
		userPoints: usernamePoints(),
		logins:     logins,
		loginEPs:   map[loginKey]*loginEndpoint{},
		sessions:   map[string]*sessionState{},
		keys:       map[string]*keyState{},
		ips:        map[string]*ipState{},
		base:       baselines{minSessions: uint32(cfg.Baseline.MinSessions)},
	}
	t.idleSessions = newExpiry(t.sessions, func(ss *sessionState) time.Time { return ss.lastSeen })
	t.idleKeys = newExpiry(t.keys, func(ks *keyState) time.Time { return ks.last })
	t.idleIPs = newExpiry(t.ips, func(ip *ipState) time.Time { return ip.last })
	return t, nil
}

// Config returns the effective configuration, defaults filled in.
func (t *Tracker) Config() Config { return t.cfg }

// Observe folds x, already analysed (engine.Analyzer.Process), into the
// counters of its session s, and sets s.Abuse to the session's current
// verdicts, strongest first, or nil. The slice is shared with earlier
// snapshots of the session and must not be modified; the tracker replaces
// it rather than editing it.
func (t *Tracker) Observe(x *engine.Exchange, s *engine.Session) {
	if x.Start.After(t.now) {
		t.now = x.Start
	}
	if t.lastSweep.IsZero() {
		t.lastSweep = x.Start
	}
	ss := t.session(s.ID, x.Start)
	ks, keyHash := t.key(s, x.Start)
	ip := t.ip(x.ClientIP, x.Start)
	ks.requests++
	ip.requests++
	rot := &t.cfg.Rotation
	if ks.ips.add(hashString(x.ClientIP)) && ks.ips.count() == rot.KeyIPs {
		ss.dirty = true
	}
	if ip.keys.add(keyHash) && ip.keys.count() == rot.IPKeys {
		ss.dirty = true
	}
	ss.key, ss.ip, ss.ipAddr = ks, ip, x.ClientIP

	endpoint := x.Endpoint
	if endpoint == "" {
		endpoint = engine.Endpoint(x.Path)
	}
	t.observeSession(ss, x, endpoint)
	if at, ok := t.authOf(x); ok {
		t.observeLogin(ss, at)
	}

	ss.since++
	every := t.cfg.RecomputeEvery
	if ss.dirty || ss.n <= every || ss.since >= every {
		t.assess(ss, s)
	}
	s.Abuse = ss.verdicts
	if t.now.Sub(t.lastSweep) >= t.cfg.Memory.SweepEvery {
		t.sweep(t.now)
	}
}

// observeLogin counts a login attempt and asks for rescoring when a count
// reaches the threshold it is compared with, so that a verdict appears at
// the request that earns it rather than up to RecomputeEvery later.
func (t *Tracker) observeLogin(ss *sessionState, at attempt) {
	c := &t.cfg.Auth
	before := ss.takeover.run
	ss.observeAuth(at, ss.key, ss.ip)
	if at.out == authSuccess {
		ss.dirty = ss.dirty || (ss.takeover.run != before && ss.takeover.run >= c.TakeoverFailures)
		return
	}
	for _, a := range [...]*authCounters{&ss.auth, &ss.key.auth, &ss.ip.auth} {
		if a.attempts == c.MinFailures || (at.known && a.users.count() == c.StuffingUsernames) {
			ss.dirty = true
		}
	}
	if len(ss.verdicts) > 0 {
		// A verdict states the failures it rests on: keep the count
		// current while the attack goes on, at the cost of one scoring
		// per attempt of a session already judged.
		ss.dirty = true
	}
	if at.out == authFailure && at.why == failShape && at.ep.shapes[at.shape].count == c.ShapeRepeats {
		// The endpoint has just learnt its failure shape: the attempts
		// it answered so far become failures.
		ss.dirty = true
	}
}

// Refresh recomputes the verdicts of session s from the tracker's current
// state and sets s.Abuse, whatever RecomputeEvery says. It reports false,
// leaving s alone, when the tracker holds no state for s (never observed, or
// evicted).
func (t *Tracker) Refresh(s *engine.Session) bool {
	ss := t.sessions[s.ID]
	if ss == nil {
		return false
	}
	t.assess(ss, s)
	s.Abuse = ss.verdicts
	return true
}

// assess scores the session and replaces its verdicts.
func (t *Tracker) assess(ss *sessionState, s *engine.Session) {
	ss.attacks = s.AttackCount()
	m := &t.scratch
	var f findings
	t.score(ss, m, &f)
	ss.verdicts = f.render(m, t.cfg.MinConfidence, t.cfg.MinEvidence)
	ss.dirty, ss.since = false, 0
}

// session returns the state of the session with the given id, creating it
// (and making room for it first when the cap is reached) for an exchange
// at at.
func (t *Tracker) session(id string, at time.Time) *sessionState {
	ss := t.sessions[id]
	if ss == nil {
		if len(t.sessions) >= t.cfg.Memory.MaxSessions {
			trim(t.sessions, t.cfg.Memory.MaxSessions, func(ss *sessionState) time.Time { return ss.lastSeen }, t.forget)
		}
		if n := len(t.free); n > 0 {
			ss = t.free[n-1]
			t.free[n-1] = nil
			t.free = t.free[:n-1]
		} else {
			ss = &sessionState{}
		}
		t.sessions[id] = ss
		// Observe makes at the session's last activity.
		t.idleSessions.push(at, id, ss)
	}
	return ss
}

// key returns the state of s's key value and the hash the address
// counters know it by. The identity hash names a key value across parts;
// a session built without one (a test, an import without grouping) is its
// own key.
func (t *Tracker) key(s *engine.Session, at time.Time) (*keyState, uint64) {
	id := s.Identity
	if id == "" {
		id = s.KeyID
	}
	if id == "" {
		id = s.ID
	}
	ks := t.keys[id]
	if ks == nil {
		if len(t.keys) >= t.cfg.Memory.MaxKeys {
			trim(t.keys, t.cfg.Memory.MaxKeys, func(k *keyState) time.Time { return k.last }, nil)
		}
		ks = &keyState{}
		t.keys[id] = ks
		t.idleKeys.push(at, id, ks)
	}
	ks.last = later(ks.last, at)
	return ks, hashString(id)
}

// ip returns the state of a client address, creating it.
func (t *Tracker) ip(addr string, at time.Time) *ipState {
	ip := t.ips[addr]
	if ip == nil {
		if len(t.ips) >= t.cfg.Memory.MaxIPs {
			trim(t.ips, t.cfg.Memory.MaxIPs, func(p *ipState) time.Time { return p.last }, nil)
		}
		ip = &ipState{}
		t.ips[addr] = ip
		t.idleIPs.push(at, addr, ip)
	}
	ip.last = later(ip.last, at)
	return ip
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
