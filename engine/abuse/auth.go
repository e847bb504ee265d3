package abuse

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// maxTrackedUsers bounds the per-user-name failure counts of one scope; a
// stuffer's thousands of names are counted by the distinct counter, and
// only brute force, which needs few names, needs counts per name.
const maxTrackedUsers = 256

// authOutcome is what one exchange did to authentication.
type authOutcome uint8

const (
	authNone authOutcome = iota
	authFailure
	authSuccess
)

// usernamePoints are where logins carry the user name, in the order
// tried. The value is only hashed and counted, never kept.
func usernamePoints() []engine.Point {
	specs := []string{
		"req.json.username", "req.json.user", "req.json.email", "req.json.login",
		"req.form.username", "req.form.user", "req.form.email", "req.form.login",
		"req.basic",
	}
	points := make([]engine.Point, len(specs))
	for i, s := range specs {
		points[i] = engine.MustParsePoint(s)
	}
	return points
}

// isLoginPath reports whether the last path segment names a login, for a
// flow table without an Auth flow to say so.
func isLoginPath(path string) bool {
	last := path[strings.LastIndexByte(path, '/')+1:]
	switch strings.ToLower(last) {
	case "login", "signin", "sign-in", "authenticate", "token", "sessions", "session":
		return true
	}
	return false
}

// isLogoutPath excludes the logout the Auth flow also covers: its 2xx is
// not a successful login.
func isLogoutPath(path string) bool {
	last := strings.ToLower(path[strings.LastIndexByte(path, '/')+1:])
	return last == "logout" || last == "signout" || last == "sign-out" || last == "revoke"
}

// authOf says whether x was a login attempt and how it ended, and hashes
// the user name it tried when one is visible. A 401 or 403 is a failure; a
// 2xx or 3xx a success; anything else (400, 429, 5xx) says nothing about
// the credentials.
func (t *Tracker) authOf(x *engine.Exchange) (out authOutcome, user uint64, known bool) {
	login := slices.Contains(x.Flows, t.cfg.AuthFlow) || (x.Method == "POST" && isLoginPath(x.Path))
	if !login || isLogoutPath(x.Path) {
		return authNone, 0, false
	}
	switch {
	case x.Status == 401 || x.Status == 403:
		out = authFailure
	case x.Status >= 200 && x.Status < 400:
		out = authSuccess
	default:
		return authNone, 0, false
	}
	v := engine.NewView(x)
	for _, p := range t.userPoints {
		if name := v.Value(p); name != "" {
			return out, hashString(strings.ToLower(name)), true
		}
	}
	return out, 0, false
}

// authCounters are the login attempts of one scope: a session part, a key
// across its parts, or a client address across its sessions.
type authCounters struct {
	failures int
	users    distinct         // user names that failed
	perUser  map[uint64]int32 // failures per user name, for brute force
	topUser  int              // the most failures on one user name
	// run is the failures since the last success: a long run ended by a
	// success is an account takeover.
	run int
}

func (a *authCounters) fail(user uint64, known bool) {
	a.failures++
	a.run++
	if !known {
		return
	}
	a.users.add(user)
	if a.perUser == nil {
		a.perUser = map[uint64]int32{}
	}
	n, ok := a.perUser[user]
	if !ok && len(a.perUser) >= maxTrackedUsers {
		return
	}
	n++
	a.perUser[user] = n
	a.topUser = max(a.topUser, int(n))
}

// succeed ends the current run of failures and returns its length.
func (a *authCounters) succeed() int {
	run := a.run
	a.run = 0
	return run
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
// session of its own whose only history is its address's.
func (ss *sessionState) observeAuth(out authOutcome, user uint64, known bool, ks *keyState, ip *ipState) {
	scopes := [...]struct {
		a    *authCounters
		name string
	}{{&ss.auth, "in this session"}, {&ks.auth, "across the key's sessions"}, {&ip.auth, "from this address"}}
	for _, sc := range scopes {
		switch out {
		case authFailure:
			sc.a.fail(user, known)
		case authSuccess:
			same := known && sc.a.users.has(user)
			if run := sc.a.succeed(); run > ss.takeover.run {
				ss.takeover = takeover{run: run, scope: sc.name, sameUser: same}
			}
		}
	}
}

// measureAuth reads the authentication detectors. The session's own
// counters speak first; a key's parts together, or an address's sessions
// together, speak for a session that is a fragment of their attack.
func (t *Tracker) measureAuth(ss *sessionState, m *[numDetectors]measure) {
	c := &t.cfg.Auth
	a, note := &ss.auth, ""
	switch {
	case a.failures >= c.MinFailures:
	case ss.key != nil && ss.key.auth.failures >= c.MinFailures:
		a, note = &ss.key.auth, "counted across the key's sessions"
	case ss.ip != nil && ss.ip.auth.failures >= c.MinFailures && ss.n > 0 &&
		float64(ss.auth.failures)/float64(ss.n) >= c.FragmentShare:
		a, note = &ss.ip.auth, "counted across the sessions of "+ss.ipAddr+", of which this one is a fragment"
	}
	failed := m[dFailedLogins].reading("failed logins", unitCount, float64(a.failures), 0, float64(c.MinFailures), false)
	m[dFailedLogins].note = note

	users := a.users.count()
	m[dUsernames].reading("user names tried", unitCount, float64(users), 1, float64(c.StuffingUsernames), false)
	m[dUsernames].approx = a.users.estimated()
	if failed && a.failures > 0 {
		share := float64(users) / float64(a.failures)
		m[dUsernames].fired = m[dUsernames].fired && share >= c.StuffingUsernameShare
		m[dUsernames].note = formatValue(share, unitShare) + " of the failures used a new user name (fires at ≥ " +
			formatValue(c.StuffingUsernameShare, unitShare) + "): many names, few tries each"
	} else {
		m[dUsernames].fired = false
	}

	focus := 0.0
	if a.failures > 0 {
		focus = float64(a.topUser) / float64(a.failures)
	}
	m[dUsernameFocus].reading("share of failures on one user name", unitShare, focus, 0, c.BruteForceShare, false)
	m[dUsernameFocus].fired = m[dUsernameFocus].fired && failed && users > 0
	if users > 0 {
		m[dUsernameFocus].note = "one name, many passwords"
	}

	tk := ss.takeover
	m[dTakeover].reading("failed logins before a successful one", unitCount, float64(tk.run), 0, float64(c.TakeoverFailures), false)
	if tk.run > 0 {
		m[dTakeover].note = "counted " + tk.scope
	}
	m[dSameUsername].flag("same user name", "the user name that logged in had failed before", m[dTakeover].fired && tk.sameUser)
}
