package engine

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// loginAnswer is a POST /login from ip whose 200 answer sets the session
// cookie sid and returns token in the member named member.
func loginAnswer(offset time.Duration, ip, member, token, sid string) *Exchange {
	x := withBody(exchangeAt(offset, "POST", "/login", ip, "User-Agent", "app/1"), "application/json", `{"username":"dave","password":"pw"}`)
	return withResponse(x, 200, `{"`+member+`":"`+token+`","user":{"id":101}}`,
		"Content-Type", "application/json", "Set-Cookie", "sid="+sid+"; Path=/; HttpOnly")
}

// TestLoginJoinsTheTokensSession checks that a login whose answer sets a
// cookie and returns a token joins the session its token then identifies,
// whichever credential the client goes on with, and that the outcome is
// the same when the stored copies are grouped again (a regroup).
func TestLoginJoinsTheTokensSession(t *testing.T) {
	jwt := makeJWT(`{"sub":"101","iss":"https://issuer.example","name":"dave"}`)
	tests := []struct {
		name    string
		login   *Exchange
		next    *Exchange
		wantKey string
	}{
		{
			name:    "app goes on with the JWT",
			login:   loginAnswer(0, "198.51.100.20", "token", jwt, "c00k1e"),
			next:    exchangeAt(time.Second, "GET", "/cart", "198.51.100.20", "Authorization", "Bearer "+jwt),
			wantKey: "req.jwt.sub+req.jwt.iss",
		},
		{
			name:    "browser goes on with the cookie",
			login:   loginAnswer(0, "203.0.113.10", "token", jwt, "c00k1e"),
			next:    exchangeAt(time.Second, "GET", "/cart", "203.0.113.10", "Cookie", "sid=c00k1e"),
			wantKey: "req.jwt.sub+req.jwt.iss",
		},
		{
			name:    "opaque access token",
			login:   loginAnswer(0, "198.51.100.21", "access_token", "opaque-token-1234", "c00k1e"),
			next:    exchangeAt(time.Second, "GET", "/cart", "198.51.100.21", "Authorization", "Bearer opaque-token-1234"),
			wantKey: "req.bearer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAnalyzer(SessionizerOptions{}, testHasher())
			login, next := a.Process(tt.login), a.Process(tt.next)
			if login.ID != next.ID {
				t.Fatalf("login in session %s (%s), next request in %s (%s): want one session", login.ID, login.KeyPoint, next.ID, next.KeyPoint)
			}
			if next.Requests != 2 || next.KeyPoint != tt.wantKey {
				t.Errorf("session %s: %d requests keyed by %s, want 2 keyed by %s", next.ID, next.Requests, next.KeyPoint, tt.wantKey)
			}
			if stored := storedText(t, tt.login); strings.Contains(stored, "c2lnbmF0dXJl") || strings.Contains(stored, "opaque-token-1234") {
				t.Errorf("the returned token reached the stored copy in the clear: %s", stored)
			}
			// A regroup replays the stored copies: it must find the
			// same session.
			again := NewAnalyzer(SessionizerOptions{}, testHasher())
			l2, n2 := again.Process(tt.login), again.Process(tt.next)
			if l2.ID != login.ID || n2.ID != next.ID {
				t.Errorf("regrouped stored copies: sessions %s and %s, want %s", l2.ID, n2.ID, login.ID)
			}
		})
	}
}

// TestFailedLoginKeepsItsOwnKey checks that only a successful answer's
// token identifies the login: a refused one stays with its client.
func TestFailedLoginKeepsItsOwnKey(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	x := loginAnswer(0, "198.51.100.77", "token", makeJWT(`{"sub":"73","iss":"i"}`), "c00k1e")
	x.Status = 401
	if s := a.Process(x); s.KeyPoint != "resp.cookie.sid" {
		t.Errorf("refused login keyed by %s, want resp.cookie.sid", s.KeyPoint)
	}
}

// TestRequestCredentialBeatsReturnedToken checks that a login which already
// sends a session cookie stays in that cookie's session: the returned token
// stands in only for a bearer the request does not send, at the bearer
// keys' place in the order.
func TestRequestCredentialBeatsReturnedToken(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	before := a.Process(exchangeAt(0, "GET", "/", "203.0.113.10", "Cookie", "sid=early"))
	login := loginAnswer(time.Second, "203.0.113.10", "token", makeJWT(`{"sub":"17","iss":"i"}`), "later")
	login.ReqHeaders = append(login.ReqHeaders, Header{Name: "Cookie", Value: "sid=early"})
	if s := a.Process(login); s.ID != before.ID {
		t.Errorf("login with a session cookie went to %s (%s), want the cookie's session %s", s.ID, s.KeyPoint, before.ID)
	}
}

// TestAliasesEvicted checks that the cookie a login set stops standing for
// the token's identity once unused for the inactivity gap.
func TestAliasesEvicted(t *testing.T) {
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	jwt := makeJWT(`{"sub":"17","iss":"i"}`)
	login := z.Assign(loginAnswer(0, "203.0.113.10", "token", jwt, "c00k1e"))
	if len(z.aliases) != 1 {
		t.Fatalf("aliases after a login that sets one cookie: %d, want 1", len(z.aliases))
	}
	z.Evict(t0.Add(DefaultInactivity + time.Minute))
	if len(z.aliases) != 0 {
		t.Errorf("aliases after eviction: %d, want 0", len(z.aliases))
	}
	if s := z.Assign(exchangeAt(DefaultInactivity+2*time.Minute, "GET", "/cart", "203.0.113.10", "Cookie", "sid=c00k1e")); s.KeyID == login.KeyID {
		t.Errorf("a cookie whose alias was evicted still joins key %s", login.KeyID)
	}
}

// TestReturnedTokenPoints checks that the spelt-out points are what the
// grammar parses their spellings to.
func TestReturnedTokenPoints(t *testing.T) {
	tokens, grants := returnedTokenPoints(), grantPoints()
	for _, p := range append(tokens[:], grants[:]...) {
		parsed, err := ParsePoint(p.String())
		if err != nil || parsed.Kind != p.Kind || parsed.Name != p.Name || parsed.String() != p.String() {
			t.Errorf("%s: parsed %+v, %v; spelt out %+v", p, parsed, err, p)
		}
	}
}

// TestSharedTokenDoesNotJoinVisitors: a token any visitor is given (a
// public map key on a GET, a guest token on a POST without credentials)
// does not stitch, so two unrelated browsers that fetched it stay two
// sessions, with their own cookies; a token endpoint's grant does stitch.
func TestSharedTokenDoesNotJoinVisitors(t *testing.T) {
	fetch := func(offset time.Duration, method, ip, ua, sid string) *Exchange {
		x := exchangeAt(offset, method, "/api/maps/token", ip, "User-Agent", ua)
		return withResponse(x, 200, `{"token":"pk.public-shared-123"}`,
			"Content-Type", "application/json", "Set-Cookie", "sid="+sid+"; Path=/")
	}
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			a := NewAnalyzer(SessionizerOptions{}, testHasher())
			one := a.Process(fetch(0, method, "203.0.113.1", "Firefox/133.0", "aaa111"))
			two := a.Process(fetch(time.Second, method, "198.51.100.2", "Chrome/131.0", "bbb222"))
			oneNext := a.Process(exchangeAt(2*time.Second, "GET", "/map", "203.0.113.1", "Cookie", "sid=aaa111"))
			twoNext := a.Process(exchangeAt(3*time.Second, "GET", "/map", "198.51.100.2", "Cookie", "sid=bbb222"))
			if one.ID == two.ID || oneNext.ID == twoNext.ID {
				t.Fatalf("two visitors of a shared token joined: %s/%s and %s/%s (%s)", one.ID, two.ID, oneNext.ID, twoNext.ID, oneNext.KeyPoint)
			}
			if one.KeyPoint == "req.bearer" || two.KeyPoint == "req.bearer" {
				t.Errorf("a token handed to any visitor keyed the session: %s, %s", one.KeyPoint, two.KeyPoint)
			}
		})
	}

	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	grant := withBody(exchangeAt(0, "POST", "/oauth/token", "192.0.2.7", "User-Agent", "cli/1"), "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=c1")
	grant = withResponse(grant, 200, `{"access_token":"opaque-grant-777"}`, "Content-Type", "application/json")
	got := a.Process(grant)
	next := a.Process(exchangeAt(time.Second, "GET", "/reports", "192.0.2.7", "Authorization", "Bearer opaque-grant-777"))
	if got.ID != next.ID || next.KeyPoint != "req.bearer" {
		t.Errorf("a token grant did not join the session its token opens: %s (%s) and %s (%s)", got.ID, got.KeyPoint, next.ID, next.KeyPoint)
	}
}

// TestFullAliasTableKeepsRecentOnes: when a flood of logins fills the
// alias table, the aliases in use survive; only idle and least recently
// used ones go.
func TestFullAliasTableKeepsRecentOnes(t *testing.T) {
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	victim := z.Assign(loginAnswer(time.Minute, "203.0.113.10", "token", makeJWT(`{"sub":"17","iss":"i"}`), "victim-sid"))
	for i := len(z.aliases); i < maxAliases; i++ {
		// Flooded aliases, all older than the victim's.
		z.aliases[strconv.Itoa(i)] = alias{last: t0.Add(time.Duration(i) * time.Microsecond)}
	}
	z.Assign(loginAnswer(2*time.Minute, "192.0.2.66", "token", makeJWT(`{"sub":"666","iss":"i"}`), "flood-sid"))
	if n := len(z.aliases); n >= maxAliases || n < maxAliases/2 {
		t.Errorf("%d aliases after trimming a full table of %d", n, maxAliases)
	}
	if s := z.Assign(exchangeAt(3*time.Minute, "GET", "/cart", "203.0.113.10", "Cookie", "sid=victim-sid")); s.KeyID != victim.KeyID {
		t.Errorf("the victim's cookie lost its alias when the table filled: key %s, want %s", s.KeyID, victim.KeyID)
	}
}
