package filter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// fixture is a session of an attacker's scan and its requests.
func fixture() (engine.Session, []engine.Exchange) {
	s := engine.Session{
		ID: "3fa2c1d4e5f6-2", KeyID: "3fa2c1d4e5f6", KeyPoint: "req.ip+req.ua",
		Actor: "198.51.100.7 sqlmap/1.7", Part: 2,
		FirstSeen: t0, LastSeen: t0.Add(90 * time.Second), Requests: 3,
		IPs: []string{"198.51.100.7", "2001:db8::1"}, User: "alice@example.com", Role: "admin",
		UserAgents:   []string{"sqlmap/1.7 (https://sqlmap.org)"},
		StatusCounts: map[int]int{200: 1, 404: 1, 503: 1},
		Attacks:      map[string]int{"sqli": 2},
		Flows:        map[string]int{"Auth": 1},
		Abuse:        []engine.Verdict{{Type: engine.AbuseScraping, Confidence: 0.8}},
		MCP:          &engine.SessionMCP{Methods: map[string]int{"tools/call": 1}, Primitives: map[string]int{"search_orders": 1}},
		ReqBytes:     600, RespBytes: 2 << 20,
	}
	ua := []engine.Header{{Name: "User-Agent", Value: "sqlmap/1.7 (https://sqlmap.org)"}}
	xs := []engine.Exchange{
		{ID: 1, SessionID: s.ID, Start: t0, Duration: 20 * time.Millisecond, ClientIP: "198.51.100.7", Method: "POST", Host: "api.example.com", Path: "/login", Status: 200, ReqHeaders: ua, Flows: []string{"Auth"}, ReqBody: engine.Body{Size: 600}, Node: "gw-a"},
		{ID: 2, SessionID: s.ID, Start: t0.Add(time.Minute), Duration: 700 * time.Millisecond, ClientIP: "198.51.100.7", Method: "GET", Host: "api.example.com:8443", Path: "/users/42/orders", Status: 404, ReqHeaders: ua, Node: "gw-b"},
		{ID: 3, SessionID: s.ID, Start: t0.Add(90 * time.Second), Duration: 3 * time.Second, ClientIP: "2001:db8::1", Method: "GET", Host: "cdn.example.org", Path: "/static/app.js", Status: 503, ReqHeaders: ua, RespBody: engine.Body{Size: 2 << 20}},
	}
	sqli := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.json.username", Rule: "libinjection-sqli"}
	xs[0].Attacks = []engine.AttackTag{sqli, sqli}
	xs[0].Examined = engine.ExaminedTier1 | engine.ExaminedCRS
	xs[1].Examined = engine.ExaminedTier1 | engine.ExaminedCRSPending
	xs[2].Examined = engine.ExaminedTier1 | engine.ExaminedOff
	xs[0].SpecStatus = "documented"
	xs[1].SpecStatus = "shadow"
	xs[2].MCP = &engine.MCPInfo{Messages: []engine.MCPMessage{{ID: "1", Method: "tools/call", Name: "search_orders"}}}
	for i := range xs {
		xs[i].Endpoint = engine.Endpoint(xs[i].Path)
	}
	return s, xs
}

// TestMatch covers every field and operator on a session (with and without
// its requests) and on each of its requests. want lists the ids of the
// requests that match; session says whether the session matches with its
// requests; summary says whether it matches from its summary alone.
func TestMatch(t *testing.T) {
	s, xs := fixture()
	now := t0.Add(time.Hour)
	tests := []struct {
		expr    string
		session bool
		summary bool
		want    []uint64
	}{
		{"", true, true, []uint64{1, 2, 3}},
		// ip: address, IPv6, prefix, glob, alternatives, negation.
		{"ip:198.51.100.7", true, true, []uint64{1, 2}},
		{"ip:2001:db8::1", true, true, []uint64{3}},
		{"ip:2001:db8::/32", true, true, []uint64{3}},
		{"ip:198.51.100.0/24", true, true, []uint64{1, 2}},
		{"ip:198.51.*", true, true, []uint64{1, 2}},
		{"ip:10.0.0.1|2001:db8::1", true, true, []uint64{3}},
		{"ip:10.0.0.0/8", false, false, nil},
		{"!ip:10.0.0.0/8", true, true, []uint64{1, 2, 3}},
		{"ip:::ffff:198.51.100.7", true, true, []uint64{1, 2}},
		// user, role: through the session, globbed, case-insensitive.
		{"user:alice@example.com", true, true, []uint64{1, 2, 3}},
		{"user:ALICE*", true, true, []uint64{1, 2, 3}},
		{"user:bob|carol", false, false, nil},
		{"!user:bob", true, true, []uint64{1, 2, 3}},
		{"role:admin", true, true, []uint64{1, 2, 3}},
		{"role:user", false, false, nil},
		// key: point, key id or key value.
		{"key:req.ip+req.ua", true, true, []uint64{1, 2, 3}},
		{"key:req.jwt.*", false, false, nil},
		{"key:3fa2c1d4e5f6", true, true, []uint64{1, 2, 3}},
		{"key:*sqlmap*", true, true, []uint64{1, 2, 3}},
		// session: an id, or a key id for all its parts.
		{"session:3fa2c1d4e5f6-2", true, true, []uint64{1, 2, 3}},
		{"session:3fa2c1d4e5f6", true, true, []uint64{1, 2, 3}},
		{"session:3fa2c1d4e5f6-1", false, false, nil},
		// method, host, path, endpoint: about requests.
		{"method:POST", true, false, []uint64{1}},
		{"method:get", true, false, []uint64{2, 3}},
		{"method:DELETE", false, false, nil},
		{"!method:DELETE", true, false, []uint64{1, 2, 3}},
		{"!method:GET", false, false, []uint64{1}},
		{"host:api.example.com", true, false, []uint64{1, 2}},
		{"host:api.example.com:8443", true, false, []uint64{2}},
		{"host:*.example.org", true, false, []uint64{3}},
		{"path:/login", true, false, []uint64{1}},
		{"path:/users/*", false, false, nil},
		{"path:/users/*/orders", true, false, []uint64{2}},
		{"path:/users/**", true, false, []uint64{2}},
		{"path:/static/app.?s", true, false, []uint64{3}},
		{"path:**/orders", true, false, []uint64{2}},
		{"path:/log*", true, false, []uint64{1}},
		{"endpoint:/users/{id}/orders", true, false, []uint64{2}},
		{"endpoint:/users/{id}/*", true, false, []uint64{2}},
		// node: the capture node of a request; a session through any.
		{"node:gw-a", true, false, []uint64{1}},
		{"node:gw-*", true, false, []uint64{1, 2}},
		{"node:GW-B|gw-c", true, false, []uint64{2}},
		{"node:gw-c", false, false, nil},
		{"!node:gw-a", false, false, []uint64{2, 3}},
		// status: code, class, comparisons, alternatives.
		{"status:404", true, true, []uint64{2}},
		{"status:4xx", true, true, []uint64{2}},
		{"status:4XX|5xx", true, true, []uint64{2, 3}},
		{"status:>=500", true, true, []uint64{3}},
		{"status:>404", true, true, []uint64{3}},
		{"status:<300", true, true, []uint64{1}},
		{"status:<=404", true, true, []uint64{1, 2}},
		{"status:=200", true, true, []uint64{1}},
		{"status:3xx", false, false, nil},
		{"!status:5xx", false, false, []uint64{1, 2}},
		// attack: a session's tags; requests carry none yet.
		{"attack:sqli", true, true, []uint64{1}},
		{"attack:any", true, true, []uint64{1}},
		{"attack:xss", false, false, nil},
		{"!attack:xss", true, true, []uint64{1, 2, 3}},
		{"!attack:any", false, false, []uint64{2, 3}},
		{"attack:log4shell", false, false, nil},
		// flow.
		{"flow:auth", true, true, []uint64{1}},
		{"flow:Billing", false, false, nil},
		// abuse: the session's verdicts, through the session for requests.
		{"abuse:scraping", true, true, []uint64{1, 2, 3}},
		{"abuse:any", true, true, []uint64{1, 2, 3}},
		{"abuse:Credential-Stuffing", false, false, nil},
		{"!abuse:credential_stuffing", true, true, []uint64{1, 2, 3}},
		// mcp: the session's methods and primitives, the request's messages.
		{"mcp:tools/call", true, true, []uint64{3}},
		{"mcp:search_orders", true, true, []uint64{3}},
		{"mcp:tools/*|prompts/get", true, true, []uint64{3}},
		{"mcp:resources/read", false, false, nil},
		{"!mcp:resources/read", true, true, []uint64{1, 2, 3}},
		// examined: the detectors that examined a request; a session
		// needs its requests.
		{"examined:pending", true, false, []uint64{2}},
		{"examined:crs_pending", true, false, []uint64{2}},
		{"examined:crs", true, false, []uint64{1}},
		{"examined:tier1", true, false, []uint64{1, 2, 3}},
		{"examined:off|pending", true, false, []uint64{2, 3}},
		{"!examined:pending", false, false, []uint64{1, 3}},
		// spec: the specification's status of a request's endpoint; a
		// session touched it when one of its requests has it.
		{"spec:shadow", true, false, []uint64{2}},
		{"spec:documented|zombie", true, false, []uint64{1}},
		{"spec:Undocumented-Method", false, false, nil},
		{"spec:any", true, false, []uint64{1, 2}},
		{"!spec:shadow", false, false, []uint64{1, 3}},
		// dur: a session's span, a request's duration.
		{"dur:>500ms", true, true, []uint64{2, 3}},
		{"dur:>1m", true, true, []uint64{}},
		{"dur:<=20ms", false, false, []uint64{1}},
		{"dur:>=1s|<1ms", true, true, []uint64{3}},
		// size: bytes of a session or a request, both directions.
		{"size:>1MB", true, true, []uint64{3}},
		{"size:<1KB", false, false, []uint64{1, 2}},
		{"size:0", false, false, []uint64{2}},
		{"size:>=600B", true, true, []uint64{1, 3}},
		// since and until: relative to now, and absolute.
		{"since:1h", true, true, []uint64{1, 2, 3}},
		{"since:59m30s", true, true, []uint64{2, 3}},
		{"since:30m", false, false, nil},
		{"until:59m", true, true, []uint64{1, 2}},
		{"since:2026-11-24T10:01", true, true, []uint64{2, 3}},
		{"until:2026-11-24T10:00", true, true, []uint64{1}},
		{"since:2026-11-24", true, true, []uint64{1, 2, 3}},
		{"since:2026-11-24T10:01:00Z until:2026-11-24T10:01:00Z", true, true, []uint64{2}},
		{"since:1d", true, true, []uint64{1, 2, 3}},
		// fuzzy text over key value, user, IPs, user agents, endpoints.
		{"sqlmap", true, true, []uint64{1, 2, 3}},
		{"SQLMAP", true, true, []uint64{1, 2, 3}},
		{"alice", true, true, []uint64{1, 2, 3}},
		{"lgn", true, false, []uint64{1}},
		{"orders", true, false, []uint64{2}},
		{"zzz", false, false, nil},
		{`"sqlmap/1.7 (https"`, true, true, []uint64{1, 2, 3}},
		{"lgn|app", true, false, []uint64{1, 3}},
		{"!lgn", false, false, []uint64{2, 3}},
		// AND of terms, with a negation.
		{"method:GET status:5xx", true, false, []uint64{3}},
		{"method:GET !status:5xx ip:198.51.100.7", false, false, []uint64{2}},
		{"method:GET !status:3xx ip:198.51.100.7", true, false, []uint64{2}},
		{"STATUS:404 Method:GET", true, false, []uint64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := ParseOptions(tt.expr, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.MatchSessionRequests(&s, xs); got != tt.session {
				t.Errorf("MatchSessionRequests = %v, want %v", got, tt.session)
			}
			if got := f.MatchSession(&s); got != tt.summary {
				t.Errorf("MatchSession (summary only) = %v, want %v", got, tt.summary)
			}
			var got []uint64
			for i := range xs {
				if f.MatchRequest(&xs[i], &s) {
					got = append(got, xs[i].ID)
				}
			}
			if !sameIDs(got, tt.want) {
				t.Errorf("MatchRequest matched %v, want %v", got, tt.want)
			}
		})
	}
}

func sameIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMatchExchangeWithoutSession checks that terms about the actor do not
// match a request judged without its session, negated or not.
func TestMatchExchangeWithoutSession(t *testing.T) {
	_, xs := fixture()
	for _, expr := range []string{"user:alice*", "!user:alice*", "role:admin", "abuse:any"} {
		f, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if f.MatchExchange(&xs[0]) {
			t.Errorf("%q matched a request without its session", expr)
		}
	}
	f, _ := Parse("key:req.ip+req.ua")
	x := xs[0]
	x.KeyPoint = "req.ip+req.ua"
	if !f.MatchExchange(&x) {
		t.Error("key: did not match the exchange's own key point")
	}
}

// TestRelativeWithoutNow checks that a relative bound without a reference
// time matches nothing, and that At supplies one.
func TestRelativeWithoutNow(t *testing.T) {
	s, xs := fixture()
	for _, expr := range []string{"since:1h", "!since:1h", "until:1h"} {
		f, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Relative() {
			t.Errorf("%q: Relative() = false", expr)
		}
		if f.MatchSession(&s) || f.MatchRequest(&xs[0], &s) {
			t.Errorf("%q matched without a reference time", expr)
		}
	}
	f, _ := Parse("since:1h")
	if !f.At(t0.Add(time.Hour)).MatchSession(&s) {
		t.Error("At(now) did not resolve since:1h")
	}
	if f.At(t0.Add(3 * time.Hour)).MatchSession(&s) {
		t.Error("since:1h matched a session two hours old")
	}
}

// TestLocation checks that an absolute time without a zone is read in
// Options.Location.
func TestLocation(t *testing.T) {
	s, _ := fixture()
	paris := time.FixedZone("CET", 3600)
	f, err := ParseOptions("until:2026-11-24T10:30", Options{Location: paris})
	if err != nil {
		t.Fatal(err)
	}
	if f.MatchSession(&s) { // 10:30 CET is 09:30 UTC, before the session began
		t.Error("until: ignored Options.Location")
	}
}

func TestNeedsRequests(t *testing.T) {
	for expr, want := range map[string]bool{
		"": false, "status:4xx user:bob since:1h": false, "attack:any !flow:Auth": false,
		"path:/x": true, "!method:GET": true, "host:a": true, "endpoint:/a": true, "bot": true,
	} {
		f, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.NeedsRequests(); got != want {
			t.Errorf("%q: NeedsRequests = %v, want %v", expr, got, want)
		}
	}
}

// TestParseErrors checks the message and the position of each kind of
// mistake.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		pos  int
		msg  string
	}{
		{"method:GET stauts:404", 11, `unknown field "stauts" (did you mean status?)`},
		{"Stauts:404", 0, `unknown field "Stauts" (did you mean status?)`},
		{"http://example.com", 0, `unknown field "http" (fields are ip, user`},
		{"status:", 7, "missing value after status:"},
		{"status: 404", 7, "missing value after status:"},
		{":404", 0, "missing field name before ':'"},
		{"!", 0, "expected a term after !"},
		{"a ! b", 2, "expected a term after !"},
		{"!!status:404", 1, "double negation"},
		{`user:"bob`, 5, "unterminated quote"},
		{`user:"bob\"`, 5, "unterminated quote"},
		{`user:"bob"x`, 10, "unexpected 'x' after a quoted value"},
		{`user:bo"b"`, 7, "quote inside a value"},
		{"status:404|", 10, "empty alternative after |"},
		{"status:|404", 7, "empty alternative before |"},
		{"status:404||500", 11, "empty alternative before |"},
		{`user:""`, 5, "empty value"},
		{"status:4x4", 7, `invalid status "4x4"`},
		{"examined:pnding", 9, `invalid examined "pnding"`},
		{"spec:shadwo", 5, `unknown spec status "shadwo" (did you mean shadow?)`},
		{"spec:nope", 5, `unknown spec status "nope": want documented, shadow, zombie, undocumented_method, or any`},
		{"status:>=4xx", 7, `invalid status ">=4xx"`},
		{"status:1000", 7, `invalid status "1000"`},
		{"status:-1", 7, `invalid status "-1"`},
		{"status:>", 7, `invalid status ">"`},
		{"ip:300.1.1.1", 3, `invalid address "300.1.1.1"`},
		{"ip:10.0.0.0/33", 3, `invalid prefix "10.0.0.0/33"`},
		{"ip:10.0.0.1|nope", 12, `invalid address "nope"`},
		{"method:GE/T", 9, `invalid method "GE/T"`},
		{"host:https://a.example", 11, "give a name such as api.example.com, not a URL"},
		{"path:login", 5, `path "login" must start with / (for a segment anywhere, write path:**/login)`},
		{"endpoint:users", 9, `endpoint "users" must start with /`},
		{"attack:sqil", 7, `unknown attack type "sqil" (did you mean sqli?)`},
		{"attack:sq/li", 7, `invalid attack type "sq/li"`},
		{"abuse:scrapping", 6, `unknown abuse type "scrapping" (did you mean scraping?)`},
		{"abuse:brute-forse", 6, `unknown abuse type "brute-forse" (did you mean brute_force?)`},
		{"dur:>500", 4, `duration ">500" needs a unit`},
		{"dur:fast", 4, `invalid duration "fast"`},
		{"dur:>-5s", 4, `invalid duration ">-5s"`},
		{"size:>1XB", 5, `invalid size ">1XB"`},
		{"size:>MB", 5, `invalid size ">MB"`},
		{"since:yesterday", 6, `invalid time "yesterday"`},
		{"until:2026-13-01", 6, `invalid time "2026-13-01"`},
		{"since:-1h", 6, `invalid time "-1h"`},
		{"ok é stauts:1", 6, `unknown field "stauts"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := Parse(tt.expr)
			if err == nil {
				t.Fatalf("parsed as %v; want an error", f.terms)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not *Error", err)
			}
			if fe.Pos != tt.pos {
				t.Errorf("Pos = %d, want %d (%v)", fe.Pos, tt.pos, err)
			}
			if !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", fe.Msg, tt.msg)
			}
			if fe.Expr != tt.expr {
				t.Errorf("Expr = %q", fe.Expr)
			}
		})
	}
}

// TestErrorColumn checks that the column counts characters from 1, as the
// CLI prints it.
func TestErrorColumn(t *testing.T) {
	_, err := Parse("ok é stauts:1")
	want := `at column 6: unknown field "stauts" (did you mean status?)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	_, err = Parse("method:GET stauts:404")
	if err == nil || !strings.HasPrefix(err.Error(), "at column 12: ") {
		t.Errorf("error = %v", err)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, s string
		path   bool
		want   bool
	}{
		{"/api/**", "/api", true, true},
		{"/api/**", "/api/", true, true},
		{"/api/**", "/api/v1/users", true, true},
		{"/api/**", "/apix", true, false},
		{"/a/**/b", "/a/b", true, true},
		{"/a/**/b", "/a/x/y/b", true, true},
		{"/a/**/b", "/a/xb", true, false},
		{"/a/*", "/a/b/c", true, false},
		{"/a/*/c", "/a/b/c", true, true},
		{"/a/*", "/a/", true, true},
		{"/a?c", "/abc", true, true},
		{"/a?c", "/a/c", true, false},
		{"**/x", "/x", true, true},
		{"*", "/x", true, false},
		{"**", "/x/y", true, true},
		{"/***", "/x/y", true, true},
		{"a*b*c", "a/b/c", false, true},
		{"A*", "abc", false, false},
	}
	for _, tt := range tests {
		if got := compileGlob(tt.pat, false, tt.path).match(tt.s); got != tt.want {
			t.Errorf("glob %q on %q (path %v) = %v, want %v", tt.pat, tt.s, tt.path, got, tt.want)
		}
	}
	long := "/" + strings.Repeat("a/", 500) + "b"
	if !compileGlob("/**/b", false, true).match(long) || compileGlob("/**/c", false, true).match(long) {
		t.Error("glob on a long path")
	}
}

func TestFuzzy(t *testing.T) {
	tests := []struct {
		word, s string
		want    bool
	}{
		{"lgn", "/login", true},
		{"usrs", "/users/{id}", true},
		{"bot", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", false},
		{"bot", "Googlebot/2.1", true},
		{"abc", "ab", false},
		{"", "x", true},
	}
	for _, tt := range tests {
		if got := fuzzyMatch(tt.word, tt.s); got != tt.want {
			t.Errorf("fuzzy %q in %q = %v, want %v", tt.word, tt.s, got, tt.want)
		}
	}
}

func TestFields(t *testing.T) {
	want := "ip user role key session method host path endpoint status attack flow abuse dur size since until mcp examined spec node blocked"
	if got := strings.Join(Fields(), " "); got != want {
		t.Errorf("Fields() = %s", got)
	}
}

// TestAbuseAnySkipsDeclaredCrawlers checks that abuse:any selects abuse,
// not the declared_crawler class, which abuse:declared_crawler selects.
func TestAbuseAnySkipsDeclaredCrawlers(t *testing.T) {
	crawler := engine.Session{ID: "c", Abuse: []engine.Verdict{{Type: engine.AbuseDeclaredCrawler, Confidence: 0.9}}}
	both := engine.Session{ID: "b", Abuse: []engine.Verdict{{Type: engine.AbuseDeclaredCrawler}, {Type: engine.AbuseScraping}}}
	for _, c := range []struct {
		expr           string
		crawler, mixed bool
	}{
		{"abuse:any", false, true},
		{"abuse:declared_crawler", true, true},
		{"!abuse:any", true, false},
	} {
		f, err := Parse(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.MatchSession(&crawler); got != c.crawler {
			t.Errorf("%s on a declared crawler = %v, want %v", c.expr, got, c.crawler)
		}
		if got := f.MatchSession(&both); got != c.mixed {
			t.Errorf("%s on a crawler that scrapes = %v, want %v", c.expr, got, c.mixed)
		}
	}
}
