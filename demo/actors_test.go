package demo

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// sighting is what the test server saw of one request.
type sighting struct {
	ip, ua, method, path string
	auth                 string
	cookies              []*http.Cookie
	rawCookie            string
}

// recorder wraps the API and remembers every request it serves.
type recorder struct {
	api  http.Handler
	mu   sync.Mutex
	seen []sighting
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := sighting{
		ip:        r.Header.Get("X-Forwarded-For"),
		ua:        r.UserAgent(),
		method:    r.Method,
		path:      r.URL.Path,
		auth:      r.Header.Get("Authorization"),
		cookies:   r.Cookies(),
		rawCookie: r.Header.Get("Cookie"),
	}
	rec.mu.Lock()
	rec.seen = append(rec.seen, s)
	rec.mu.Unlock()
	rec.api.ServeHTTP(w, r)
}

// byIP groups the sightings by client address.
func (rec *recorder) byIP() map[string][]sighting {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := map[string][]sighting{}
	for _, s := range rec.seen {
		out[s.ip] = append(out[s.ip], s)
	}
	return out
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestActorsTraffic(t *testing.T) {
	rec := &recorder{api: NewAPI(APIOptions{Seed: 1})}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := RunActors(ctx, ActorOptions{Target: srv.URL + "/", Seed: 7, Speed: 1000, Logger: testLogger(t)}); err != nil {
		t.Fatalf("RunActors: %v", err)
	}

	byIP := rec.byIP()
	sids := map[string]string{} // sid → actor
	subs := map[string]string{} // sub → actor
	for _, actor := range Cast() {
		seen := byIP[actor.IP]
		if len(seen) == 0 {
			t.Errorf("%s (%s) sent no request", actor.Name, actor.IP)
			continue
		}
		for _, s := range seen {
			if s.ua != actor.UserAgent {
				t.Errorf("%s sent User-Agent %q, want %q", actor.Name, s.ua, actor.UserAgent)
			}
		}
		switch actor.Kind {
		case KindCookieUser:
			checkCookieUser(t, actor, seen, sids)
		case KindJWTUser, KindEnumerator:
			checkBearerUser(t, actor, seen, subs)
		case KindCredentialStuffer:
			checkOnly(t, actor, seen, func(s sighting) bool {
				return s.method == http.MethodPost && s.path == "/login" && s.auth == "" && s.rawCookie == ""
			})
		case KindScraper:
			checkOnly(t, actor, seen, func(s sighting) bool {
				return s.method == http.MethodGet && strings.HasPrefix(s.path, "/products") && s.auth == "" && s.rawCookie == ""
			})
		case KindAttacker:
			checkOnly(t, actor, seen, func(s sighting) bool { return s.auth == "" && s.rawCookie == "" })
		}
	}
	if scanner := byIP["192.0.2.66"]; len(scanner) > 0 && !strings.HasPrefix(scanner[0].ua, "sqlmap/") {
		t.Errorf("scanner User-Agent %q, want sqlmap", scanner[0].ua)
	}
	// The app still calls the endpoint openapi.yaml deprecates, which is
	// what makes it the demo's zombie.
	if !slices.ContainsFunc(byIP["198.51.100.20"], func(s sighting) bool { return s.method == http.MethodGet && s.path == "/account" }) {
		t.Error("dave's app never called the deprecated GET /account")
	}
	if other := len(byIP) - len(Cast()); other != 0 {
		t.Errorf("%d client addresses outside the cast", other)
	}
}

// checkCookieUser asserts that a cookie user sends the sid cookie and
// nothing else, and that no other actor ever sent the same sid.
func checkCookieUser(t *testing.T, actor ActorInfo, seen []sighting, sids map[string]string) {
	t.Helper()
	withSid := 0
	for _, s := range seen {
		if s.auth != "" {
			t.Errorf("%s sent Authorization on %s %s", actor.Name, s.method, s.path)
		}
		for _, c := range s.cookies {
			if c.Name != sidCookie {
				t.Errorf("%s sent cookie %q", actor.Name, c.Name)
				continue
			}
			withSid++
			if owner, ok := sids[c.Value]; ok && owner != actor.Name {
				t.Errorf("%s and %s share sid %s", owner, actor.Name, c.Value)
			}
			sids[c.Value] = actor.Name
		}
	}
	if withSid == 0 {
		t.Errorf("%s never sent its sid cookie", actor.Name)
	}
}

// checkBearerUser asserts that a bearer user sends no cookie, sends tokens
// of one subject only, and that the subject is no other actor's.
func checkBearerUser(t *testing.T, actor ActorInfo, seen []sighting, subs map[string]string) {
	t.Helper()
	mine := map[string]bool{}
	for _, s := range seen {
		if s.rawCookie != "" {
			t.Errorf("%s sent Cookie %q on %s %s", actor.Name, s.rawCookie, s.method, s.path)
		}
		token, ok := strings.CutPrefix(s.auth, "Bearer ")
		if !ok {
			continue
		}
		var c jwt.RegisteredClaims
		if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
			t.Errorf("%s sent an unreadable token: %v", actor.Name, err)
			continue
		}
		mine[c.Subject] = true
	}
	if len(mine) != 1 {
		t.Errorf("%s sent tokens of %d subjects, want 1", actor.Name, len(mine))
	}
	for sub := range mine {
		if owner, ok := subs[sub]; ok && owner != actor.Name {
			t.Errorf("%s and %s share subject %s", owner, actor.Name, sub)
		}
		subs[sub] = actor.Name
	}
}

// checkOnly asserts that every request of an actor satisfies ok.
func checkOnly(t *testing.T, actor ActorInfo, seen []sighting, ok func(sighting) bool) {
	t.Helper()
	for _, s := range seen {
		if !ok(s) {
			t.Errorf("%s sent unexpected %s %s (auth %q, cookie %q)", actor.Name, s.method, s.path, s.auth, s.rawCookie)
		}
	}
}

// TestActorsSurviveDeadTarget runs the cast against a closed server: every
// request fails, and RunActors must still return cleanly when ctx ends.
func TestActorsSurviveDeadTarget(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	target := srv.URL
	srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if err := RunActors(ctx, ActorOptions{Target: target, Speed: 1000}); err != nil {
		t.Fatalf("RunActors: %v", err)
	}
}

func TestRunActorsRejectsBadTarget(t *testing.T) {
	for _, target := range []string{"", "localhost:8080", "ftp://127.0.0.1/", "http://", "://x"} {
		t.Run(target, func(t *testing.T) {
			if err := RunActors(t.Context(), ActorOptions{Target: target}); err == nil {
				t.Errorf("RunActors(%q) = nil, want an error", target)
			}
		})
	}
}

func TestCast(t *testing.T) {
	docRanges := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
	}
	names, ips, kinds := map[string]bool{}, map[string]bool{}, map[Kind]int{}
	for _, a := range Cast() {
		if names[a.Name] || ips[a.IP] {
			t.Errorf("%s: name or IP %s is not unique", a.Name, a.IP)
		}
		names[a.Name], ips[a.IP] = true, true
		kinds[a.Kind]++
		addr, err := netip.ParseAddr(a.IP)
		if err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
		inDocs := false
		for _, p := range docRanges {
			inDocs = inDocs || p.Contains(addr)
		}
		if !inDocs {
			t.Errorf("%s: %s is not a documentation address", a.Name, a.IP)
		}
		if _, ok := findAccount(a.Account); a.Account != "" && !ok {
			t.Errorf("%s: no account %q", a.Name, a.Account)
		}
		if a.UserAgent == "" {
			t.Errorf("%s: no User-Agent", a.Name)
		}
	}
	want := map[Kind]int{KindCookieUser: 3, KindJWTUser: 3, KindAttacker: 1, KindCredentialStuffer: 1, KindScraper: 1, KindEnumerator: 1, KindMCPAgent: 1, KindGraphQLClient: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d actors of kind %s, want %d", kinds[k], k, n)
		}
	}
}

func TestPacerClampsSpeed(t *testing.T) {
	tests := []struct {
		in, want float64
	}{
		{0, 1}, {-3, 1}, {0.5, 0.5}, {4, 4}, {1e9, maxSpeed},
	}
	for _, tt := range tests {
		if got := newPacer(tt.in, cadence{}, nil).speed; got != tt.want {
			t.Errorf("newPacer(%v).speed = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestProbesAreAnswered sends every scanner probe to the API: each must be a
// valid request, must not make the handler fail, and must not get data out.
func TestProbesAreAnswered(t *testing.T) {
	srv := httptest.NewServer(NewAPI(APIOptions{Seed: 1}))
	defer srv.Close()
	var scanner ActorInfo
	for _, a := range Cast() {
		if a.Kind == KindAttacker {
			scanner = a
		}
	}
	a := newAgent(scanner, srv.URL, srv.Client(), testLogger(t), newPacer(1, cadence{}, nil))
	for _, p := range probes() {
		r, err := a.send(t.Context(), p.method, p.target, p.body)
		if err != nil {
			t.Errorf("%s %s: %v", p.method, p.target, err)
			continue
		}
		if r.status >= 500 {
			t.Errorf("%s %s: status %d", p.method, p.target, r.status)
		}
		if strings.Contains(string(r.body), "root:") || strings.Contains(string(r.body), "password\":") {
			t.Errorf("%s %s leaked: %s", p.method, p.target, r.body)
		}
	}
}
