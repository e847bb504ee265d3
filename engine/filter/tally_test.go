package filter

import (
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// TestTallyAgrees checks the pass's way of judging against the lists':
// MatchSessionTally of the OR of the requests' tallies is
// MatchSessionRequests, and MatchRequestFunc is MatchRequest, for terms
// of every kind, negated or not, alone and mixed; SessionOutcomes is
// MatchSessionTally for every pattern of the tallied bits; MatchRequestFunc reads
// the session only when a term about the actor needs it.
func TestTallyAgrees(t *testing.T) {
	s, xs := fixture()
	other := s
	other.User, other.Actor, other.Abuse, other.Attacks = "bob", "203.0.113.9 curl/8", nil, nil
	exprs := []string{
		"", "method:POST", "!method:POST", "method:GET path:/login", "!method:DELETE path:/login",
		"user:alice* method:GET", "!user:bob method:POST", "abuse:any !path:/static/**", "key:*sqlmap* host:*.example.org",
		"sqlmap", "!sqlmap", "lgn", "orders status:404", "!orders", "blocked:any", "!blocked:any attack:sqli",
		"endpoint:/users/{id}/orders flow:Auth", "examined:pending node:gw-*", "spec:shadow ip:198.51.100.0/24",
		"session:3fa2c1d4e5f6 !method:PUT", "mcp:tools/call dur:>1s", "since:2h method:GET",
	}
	for _, expr := range exprs {
		f, err := ParseOptions(expr, Options{Now: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for _, sess := range []engine.Session{s, other} {
			var tally Tally
			for i := range xs {
				tally |= f.TallyRequest(&xs[i])
			}
			if got, want := f.MatchSessionTally(&sess, tally), f.MatchSessionRequests(&sess, xs); got != want {
				t.Errorf("%q on session of %s: tally says %v, its requests %v", expr, sess.User, got, want)
			}
			var positions []int
			for i := range 64 {
				if f.TalliedBits()&(1<<i) != 0 && len(positions) < 5 {
					positions = append(positions, i)
				}
			}
			outcomes := f.SessionOutcomes(&sess, positions)
			for p := range 1 << len(positions) {
				var pt Tally
				for i, pos := range positions {
					if p&(1<<i) != 0 {
						pt |= 1 << pos
					}
				}
				if got, want := outcomes>>p&1 != 0, f.MatchSessionTally(&sess, pt); got != want {
					t.Errorf("%q on session of %s, tally %b: SessionOutcomes says %v, MatchSessionTally %v", expr, sess.User, pt, got, want)
				}
			}
			if want := f.RequiredTally(); f.MatchSessionRequests(&sess, xs) && tally&want != want {
				t.Errorf("%q on session of %s: matches without the required bits %b of %b", expr, sess.User, want, tally)
			}
			for i := range xs {
				x := &xs[i]
				reads := 0
				got, err := f.MatchRequestFunc(x, func() (*engine.Session, error) {
					reads++
					return &sess, nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if want := f.MatchRequest(x, &sess); got != want {
					t.Errorf("%q on request %d of %s: MatchRequestFunc %v, MatchRequest %v", expr, x.ID, sess.User, got, want)
				}
				if got := f.MatchRequestActor(x, f.ActorTally(&sess), true); got != f.MatchRequest(x, &sess) {
					t.Errorf("%q on request %d of %s: MatchRequestActor %v", expr, x.ID, sess.User, got)
				}
				if got := f.MatchRequestActor(x, 0, false); got != f.MatchRequest(x, nil) {
					t.Errorf("%q on request %d without its session: MatchRequestActor %v", expr, x.ID, got)
				}
				if reads > 0 && !f.NeedsSession() {
					t.Errorf("%q read a session it does not need", expr)
				}
			}
		}
	}
}
