package abuse

import (
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// maxTrackedUsers bounds the per-user-name counts of one scope; a
// stuffer's thousands of names are counted by the distinct counter, and
// only brute force, which needs few names, needs counts per name.
const maxTrackedUsers = 256

// maxPending bounds the undecided shapes one scope remembers.
const maxPending = 4

// authOutcome is what one exchange did to authentication.
type authOutcome uint8

const (
	authNone authOutcome = iota
	authFailure
	authSuccess
	// authPending is an attempt whose answer only its shape can judge,
	// before the endpoint has answered that shape often enough.
	authPending
)

// usernamePoints are where logins carry the user name, in the order
// tried. The value is only hashed and counted, never kept.
func usernamePoints() []engine.Point {
	specs := []string{
		"req.json.username", "req.json.user", "req.json.email", "req.json.login",
		"req.form.username", "req.form.user", "req.form.email", "req.form.login",
		"req.form.log", "req.form.j_username", "req.form.name", "req.form.usr",
		"req.json.user.email", "req.json.user.username", "req.json.user.login",
		"req.basic",
	}
	points := make([]engine.Point, len(specs))
	for i, s := range specs {
		points[i] = engine.MustParsePoint(s)
	}
	return points
}

// attempt is one login attempt as the counters see it.
type attempt struct {
	outcome
	user  uint64
	known bool
	ua    uint64
	at    time.Time
	// method, path and reason say where the attempt went and why it is
	// one.
	method, path, reason string
}

// authOf says whether x was a login attempt, how it ended, and hashes the
// user name it tried when one is visible.
func (t *Tracker) authOf(x *engine.Exchange) (attempt, bool) {
	reason := t.loginReason(x)
	if reason == "" {
		return attempt{}, false
	}
	o := t.outcomeOf(x, reason)
	if o.out == authNone {
		return attempt{}, false
	}
	a := attempt{outcome: o, ua: hashString(x.UserAgent()), at: x.Start, method: x.Method, path: x.Path, reason: reason}
	v := engine.NewView(x)
	for _, p := range t.userPoints {
		if name := v.Value(p); name != "" {
			a.user, a.known = hashString(strings.ToLower(name)), true
			break
		}
	}
	return a, true
}

// pendingShape counts a scope's attempts answered with a shape that was not
// yet its endpoint's failure shape; they become failures when it is.
type pendingShape struct {
	ep    *loginEndpoint
	shape int
	count int
}

// authCounters are the login attempts of one scope: a session part, a key
// across its parts, or a client address across its sessions.
type authCounters struct {
	// attempts counts the attempts that did not succeed: failures and
	// undecided ones.
	attempts int
	// failures counts those decided as they came, by the evidence each
	// rests on.
	byStatus, byRedirect, byShape int
	pending                       [maxPending]pendingShape
	users                         distinct         // user names of attempts that did not succeed
	perUser                       map[uint64]int32 // such attempts per user name, for brute force
	topUser                       int              // the most attempts on one user name
	first, last                   time.Time
	endpoint, reason              string
	// runs are the attempts since the last success, per user agent: a long
	// run ended by a success from the same client is an account takeover,
	// and clients that interleave behind one address keep their own.
	runs [maxRuns]uaRun
	// shape is the failure shape of the latest attempt judged by it.
	shape *loginShape
}

// fail counts one attempt that did not succeed.
func (a *authCounters) fail(at attempt) {
	if a.attempts == 0 || at.at.Before(a.first) {
		a.first = at.at
	}
	if at.at.After(a.last) {
		a.last = at.at
	}
	if a.endpoint == "" {
		a.endpoint, a.reason = at.method+" "+at.path, strings.Clone(at.reason)
	}
	a.attempts++
	a.runOf(at.ua).n++
	switch {
	case at.out == authPending:
		a.addPending(at.ep, at.shape)
	case at.why == failStatus:
		a.byStatus++
	case at.why == failRedirect:
		a.byRedirect++
	default:
		a.byShape++
		a.shape = &at.ep.shapes[at.shape]
	}
	if !at.known {
		return
	}
	a.users.add(at.user)
	if a.perUser == nil {
		a.perUser = map[uint64]int32{}
	}
	n, ok := a.perUser[at.user]
	if !ok && len(a.perUser) >= maxTrackedUsers {
		return
	}
	n++
	a.perUser[at.user] = n
	a.topUser = max(a.topUser, int(n))
}

func (a *authCounters) addPending(ep *loginEndpoint, shape int) {
	for i := range a.pending {
		p := &a.pending[i]
		if p.ep == ep && p.shape == shape {
			p.count++
			return
		}
		if p.ep == nil {
			*p = pendingShape{ep: ep, shape: shape, count: 1}
			return
		}
	}
}

// maxRuns bounds the user agents whose runs one scope follows.
const maxRuns = 4

// uaRun is one client's run of attempts that did not succeed.
type uaRun struct {
	ua uint64
	n  int
}

// runOf returns ua's run, taking over the shortest when all are in use.
func (a *authCounters) runOf(ua uint64) *uaRun {
	low := &a.runs[0]
	for i := range a.runs {
		r := &a.runs[i]
		if r.ua == ua && (r.n > 0 || ua == 0) {
			return r
		}
		if r.n < low.n {
			low = r
		}
	}
	*low = uaRun{ua: ua}
	return low
}

// succeed ends the run of the client that succeeded and returns its
// length.
func (a *authCounters) succeed(ua uint64) int {
	for i := range a.runs {
		if r := &a.runs[i]; r.ua == ua && r.n > 0 {
			n := r.n
			*r = uaRun{}
			return n
		}
	}
	return 0
}

// evidence is what a scope's failures rest on, with undecided attempts
// judged by what their endpoints have learnt since.
type evidence struct {
	failures                      int
	byStatus, byRedirect, byShape int
	// shape is the failure shape most attempts were answered with, and
	// logOnly says that the shapes are sizes from an access log, without
	// bodies or headers.
	shape   *loginShape
	logOnly bool
}

func (a *authCounters) evidence(repeats int) evidence {
	e := evidence{byStatus: a.byStatus, byRedirect: a.byRedirect, byShape: a.byShape, shape: a.shape}
	best := a.byShape
	for _, p := range a.pending {
		if p.ep == nil {
			break
		}
		if p.ep.isFailure(p.shape, repeats) {
			e.byShape += p.count
			if p.count > best {
				best, e.shape = p.count, &p.ep.shapes[p.shape]
			}
		}
	}
	e.failures = e.byStatus + e.byRedirect + e.byShape
	e.logOnly = e.byShape > 0 && e.byStatus+e.byRedirect == 0 && e.shape != nil && !e.shape.bodied
	return e
}

// takeover is the strongest failed run that a success ended, and where it
// was counted.
type takeover struct {
	run      int
	scope    string
	sameUser bool
}

// observeAuth counts one login attempt in every scope it belongs to. A
// success ends each scope's run of failures; the longest becomes the
// session's takeover evidence, because a stuffer's lucky guess often opens a
// session of its own whose only history is its address's. The run is
// counted per user agent, so that a person who logs in behind the address
// of an attacker does not inherit the attacker's run.
func (ss *sessionState) observeAuth(at attempt, ks *keyState, ip *ipState) {
	scopes := [...]struct {
		a    *authCounters
		name string
	}{{&ss.auth, "in this session"}, {&ks.auth, "across the key's sessions"}, {&ip.auth, "from this address"}}
	for _, sc := range scopes {
		switch at.out {
		case authFailure, authPending:
			sc.a.fail(at)
		case authSuccess:
			same := at.known && sc.a.users.has(at.user)
			if run := sc.a.succeed(at.ua); run > ss.takeover.run {
				ss.takeover = takeover{run: run, scope: sc.name, sameUser: same}
			}
		}
	}
}

// measureAuth reads the authentication detectors. The session's own
// counters speak first; a key's parts together, or an address's sessions
// together, speak for a session that is a fragment of their attack. It
// returns the failures the verdicts rest on.
func (t *Tracker) measureAuth(ss *sessionState, m *[numDetectors]measure) int {
	c := &t.cfg.Auth
	a, note := &ss.auth, ""
	ev := a.evidence(c.ShapeRepeats)
	if ev.failures < c.MinFailures && ss.key != nil && ss.key.auth.attempts >= c.MinFailures {
		if kev := ss.key.auth.evidence(c.ShapeRepeats); kev.failures >= c.MinFailures {
			a, ev, note = &ss.key.auth, kev, "counted across the key's sessions"
		}
	}
	if ev.failures < c.MinFailures && ss.ip != nil && ss.ip.auth.attempts >= c.MinFailures && ss.n > 0 &&
		float64(ss.auth.attempts)/float64(ss.n) >= c.FragmentShare {
		if iev := ss.ip.auth.evidence(c.ShapeRepeats); iev.failures >= c.MinFailures {
			a, ev, note = &ss.ip.auth, iev, "counted across the sessions of "+ss.ipAddr+", of which this one is a fragment"
		}
	}
	failed := m[dFailedLogins].reading("failed logins", unitCount, float64(ev.failures), 0, float64(c.MinFailures), false)
	// An access log shows only sizes: a repeated size is a failure only
	// when the attempts come at a machine's pace.
	if failed && ev.logOnly && a.rate() < c.LogMinRate {
		m[dFailedLogins].fired, failed = false, false
	}
	m[dFailedLogins].note = note
	if failed {
		// The sentence is written only if a verdict shows it (explain).
		m[dFailedLogins].auth, m[dFailedLogins].ev = a, ev
	}

	users := a.users.count()
	m[dUsernames].reading("user names tried", unitCount, float64(users), 1, float64(c.StuffingUsernames), false)
	m[dUsernames].approx = a.users.estimated()
	if failed && a.attempts > 0 {
		share := float64(users) / float64(a.attempts)
		m[dUsernames].fired = m[dUsernames].fired && share >= c.StuffingUsernameShare
		m[dUsernames].note = formatValue(share, unitShare) + " of the attempts used a new user name (fires at ≥ " +
			formatValue(c.StuffingUsernameShare, unitShare) + "): many names, few tries each"
	} else {
		m[dUsernames].fired = false
	}

	focus := 0.0
	if a.attempts > 0 {
		focus = float64(a.topUser) / float64(a.attempts)
	}
	m[dUsernameFocus].reading("share of attempts on one user name", unitShare, focus, 0, c.BruteForceShare, false)
	switch {
	case failed && users == 0:
		// The names are not visible (an access log, an unknown form): many
		// failures on one endpoint from one client is guessing passwords.
		m[dUsernameFocus].fired, m[dUsernameFocus].value = true, 1
		m[dUsernameFocus].note = "user names not visible; many passwords tried on one login"
	case users > 0:
		m[dUsernameFocus].fired = m[dUsernameFocus].fired && failed
		m[dUsernameFocus].note = "one name, many passwords"
	default:
		m[dUsernameFocus].fired = false
	}

	tk := ss.takeover
	m[dTakeover].reading("failed logins before a successful one", unitCount, float64(tk.run), 0, float64(c.TakeoverFailures), false)
	if tk.run > 0 {
		m[dTakeover].note = "counted " + tk.scope
	}
	m[dSameUsername].flag("same user name", "the user name that logged in had failed before", m[dTakeover].fired && tk.sameUser)
	return ev.failures
}

// rate is the attempts per second over the scope's span.
func (a *authCounters) rate() float64 {
	span := max(a.last.Sub(a.first), minRateSpan)
	return float64(a.attempts) / span.Seconds()
}

// explain writes the brute-force evidence as a sentence: "250 login
// attempts on POST /administrator/index.php (Joomla administrator login)
// in 40 s, 250 failed: answered 200 with 4,512 bytes, the failure shape of
// this endpoint (250 of its 250 answers); 1 user name tried (hashed)".
func (a *authCounters) explain(ev evidence, scope string) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(a.attempts) + " login attempts on " + a.endpoint)
	if a.reason != "" {
		b.WriteString(" (" + a.reason + ")")
	}
	b.WriteString(" in " + formatSpan(a.last.Sub(a.first)))
	b.WriteString(", " + strconv.Itoa(ev.failures) + " failed:")
	sep := " "
	if ev.byStatus > 0 {
		b.WriteString(sep + strconv.Itoa(ev.byStatus) + " answered 401 or 403")
		sep = ", "
	}
	if ev.byRedirect > 0 {
		b.WriteString(sep + strconv.Itoa(ev.byRedirect) + " redirected back to the login page")
		sep = ", "
	}
	if ev.byShape > 0 {
		b.WriteString(sep + strconv.Itoa(ev.byShape) + " answered ")
		if ev.shape != nil {
			b.WriteString(ev.shape.describe())
		} else {
			b.WriteString("the same page")
		}
		b.WriteString(" (the failure shape of this endpoint")
		if ev.shape != nil {
			b.WriteString(", learnt from " + strconv.Itoa(ev.shape.count) + " such answers")
		}
		b.WriteString(")")
	}
	switch n := a.users.count(); n {
	case 0:
		b.WriteString("; user names not visible")
	case 1:
		b.WriteString("; 1 user name tried (hashed)")
	default:
		b.WriteString("; " + strconv.Itoa(n) + " user names tried (hashed)")
	}
	if ev.logOnly {
		b.WriteString("; evidence from the access log alone: response sizes and a rate of " + formatValue(a.rate(), unitRate))
	}
	if scope != "" {
		b.WriteString("; " + scope)
	}
	return b.String()
}

// formatSpan prints a span the way a person reads it: "40 s", "3 min",
// "2.5 h".
func formatSpan(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " s"
	case d < time.Hour:
		return strconv.FormatFloat(d.Minutes(), 'f', decimals(d.Minutes()), 64) + " min"
	}
	return strconv.FormatFloat(d.Hours(), 'f', decimals(d.Hours()), 64) + " h"
}
