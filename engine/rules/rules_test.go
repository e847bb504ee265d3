package rules

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

var testNow = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseYAMLRoundTrip(t *testing.T) {
	rs, err := ParseYAML(readFixture(t, "rules.yaml"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 || rs[1].Status != 429 || rs[3].Point != "req.json.body" || rs[1].Expires.Year() != 2027 {
		t.Fatalf("parsed %+v", rs)
	}
	out, err := MarshalYAML(rs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseYAML(out, testNow)
	if err != nil {
		t.Fatalf("re-read export: %v\n%s", err, out)
	}
	for i := range rs {
		if !rs[i].Expires.Equal(again[i].Expires) {
			t.Errorf("rule %d expires %v, re-read %v", i, rs[i].Expires, again[i].Expires)
		}
		rs[i].Expires, again[i].Expires = time.Time{}, time.Time{}
		if rs[i] != again[i] {
			t.Errorf("rule %d: %+v, re-read %+v", i, rs[i], again[i])
		}
	}
}

func TestParseYAMLOneLinePerBadRule(t *testing.T) {
	_, err := ParseYAML(readFixture(t, "bad.yaml"), testNow)
	if err == nil {
		t.Fatal("bad rules accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"rule 4 (soon): expires", "rule 1 (everyone): no filter", "rule 2 (by-status): filter field status", "rule 3 (patch): a virtual_patch rule needs"}
	if len(lines) != len(want) {
		t.Fatalf("%d error lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want it to start %q", i, lines[i], w)
		}
	}
}

func TestValidateRefusesWhatNeedsTheFuture(t *testing.T) {
	for _, expr := range []string{"status:403", "dur:>1s", "abuse:any", "attack:sqli", "since:1h", "size:>1KB", "session:abc"} {
		r := Rule{ID: "r", Action: Block, Filter: expr}
		if _, err := r.Validate(); err == nil || !strings.Contains(err.Error(), "before it is forwarded") {
			t.Errorf("%s: err = %v, want a refusal", expr, err)
		}
	}
	for _, expr := range []string{"user:alice", "ip:10.0.0.0/8", "key:abc123", "method:POST path:/login", "flow:Auth", "sqlmap"} {
		r := Rule{ID: "r", Action: Block, Filter: expr}
		if _, err := r.Validate(); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
}

// TestValidateRefusesBodyPatches checks that a virtual patch at a body
// point, which the gate cannot see before forwarding, is refused with one
// line that says why, while a mute may name one and a patch may name a
// query, path, header or cookie point.
func TestValidateRefusesBodyPatches(t *testing.T) {
	for _, point := range []string{"req.body", "req.json.user.name", "req.form.q", "req.xml.doc", "req.multipart.file"} {
		r := Rule{ID: "r", Action: VirtualPatch, Filter: "endpoint:/search", Attack: engine.AttackSQLi, Point: point}
		_, err := r.Validate()
		if err == nil || !strings.Contains(err.Error(), "before its body is read") || strings.Contains(err.Error(), "\n") {
			t.Errorf("virtual patch at %s: err = %v, want one refusal", point, err)
		}
		r.Action = Mute
		if _, err := r.Validate(); err != nil {
			t.Errorf("mute at %s: %v", point, err)
		}
	}
	for _, point := range []string{"", "req.query.q", "req.path", "req.header.Referer", "req.cookie.sid", "req.bodyguard.x"} {
		r := Rule{ID: "r", Action: VirtualPatch, Filter: "endpoint:/search", Attack: engine.AttackSQLi, Point: point}
		if _, err := r.Validate(); err != nil {
			t.Errorf("virtual patch at %q: %v", point, err)
		}
	}
}

func TestSetJudges(t *testing.T) {
	rs, err := ParseYAML(readFixture(t, "rules.yaml"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	rs = append(rs, Rule{ID: "gone", Action: Block, Filter: "path:/old", Expires: testNow.Add(-time.Second)},
		Rule{ID: "off", Action: Block, Filter: "path:/off", Disabled: true})
	set, err := Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	if !set.Blocking() || !set.NeedsSession() {
		t.Fatal("a set with a block by user must block and need the session")
	}
	mallory := &engine.Session{User: "mallory"}
	tests := []struct {
		name string
		x    engine.Exchange
		sess *engine.Session
		want string
	}{
		{"user", engine.Exchange{Method: "GET", Path: "/a"}, mallory, "block-mallory"},
		{"other user", engine.Exchange{Method: "GET", Path: "/a"}, &engine.Session{User: "alice"}, ""},
		{"cidr and path", engine.Exchange{ClientIP: "203.0.113.9", Method: "GET", Path: "/api/products/1"}, nil, "slow-down-scraper"},
		{"cidr, other path", engine.Exchange{ClientIP: "203.0.113.9", Method: "GET", Path: "/api/cart"}, nil, ""},
		{"expired", engine.Exchange{Method: "GET", Path: "/old"}, nil, ""},
		{"disabled", engine.Exchange{Method: "GET", Path: "/off"}, nil, ""},
	}
	for _, tt := range tests {
		r, ok := set.Block(&tt.x, tt.sess, testNow)
		if got := map[bool]string{true: r.ID}[ok]; got != tt.want {
			t.Errorf("%s: blocked by %q, want %q", tt.name, got, tt.want)
		}
	}

	search := &engine.Exchange{Method: "GET", Path: "/api/search", Endpoint: "/api/search"}
	if !set.Patched(search, nil, testNow) {
		t.Error("/api/search is patched")
	}
	if set.Patched(&engine.Exchange{Method: "GET", Path: "/api/other"}, nil, testNow) {
		t.Error("/api/other is not patched")
	}
	sqli := engine.AttackTag{Type: "sqli", Point: "req.query.q", Rule: "libinjection-sqli"}
	xss := engine.AttackTag{Type: "xss", Point: "req.query.q", Rule: "libinjection-xss"}
	if r, ok := set.Patch(search, nil, []engine.AttackTag{xss, sqli}, testNow); !ok || r.ID != "patch-search" {
		t.Error("sqli on /api/search must be patched")
	}
	if _, ok := set.Patch(search, nil, []engine.AttackTag{xss}, testNow); ok {
		t.Error("xss on /api/search is not patched")
	}

	comment := &engine.Exchange{Method: "POST", Path: "/api/comments"}
	if _, ok := set.Mute(comment, nil, engine.AttackTag{Type: "xss", Point: "req.json.body", Rule: "libinjection-xss"}, testNow); !ok {
		t.Error("the xss rule on req.json.body of POST /api/comments is muted")
	}
	if _, ok := set.Mute(comment, nil, engine.AttackTag{Type: "xss", Point: "req.json.title", Rule: "libinjection-xss"}, testNow); ok {
		t.Error("another point stays tagged")
	}
}

func FuzzParseYAML(f *testing.F) {
	f.Add([]byte("rules:\n  - {id: a, action: block, filter: 'ip:10.0.0.1'}\n"))
	f.Add([]byte("rules: [{id: b, action: mute, filter: 'path:/x', attack: xss, expires: 1h}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseYAML(data, testNow)
		if err != nil {
			return
		}
		if _, err := Compile(rs); err != nil {
			t.Fatalf("parsed rules do not compile: %v", err)
		}
	})
}

// TestSetMuter checks that a set's muter names the mute rules active at
// its instant only, and none when no mute applies.
func TestSetMuter(t *testing.T) {
	set, err := Compile([]Rule{
		{ID: "block", Action: Block, Filter: "ip:10.0.0.1"},
		{ID: "fp", Action: Mute, Filter: "path:/comments", Attack: "xss", Expires: testNow.Add(time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := set.Muter(testNow)
	x := &engine.Exchange{Method: "POST", Path: "/comments"}
	if m == nil || !m.MayMute("xss") || m.MayMute("sqli") || m.MutedBy(x, nil, engine.AttackTag{Type: "xss"}) != "fp" {
		t.Fatal("the active mute of xss on /comments must apply")
	}
	if set.Muter(testNow.Add(2*time.Hour)) != nil {
		t.Error("an expired mute still applies")
	}
	var none *Set
	if none.Muter(testNow) != nil {
		t.Error("no set, no muter")
	}
	if m.(interface{ NeedsSession() bool }).NeedsSession() {
		t.Error("a mute by path judges no session")
	}
	byUser, err := Compile([]Rule{
		{ID: "fp", Action: Mute, Filter: "path:/comments", Attack: "xss"},
		{ID: "fp-alice", Action: Mute, Filter: "user:alice", Attack: "xss", Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if byUser.Muter(testNow).(interface{ NeedsSession() bool }).NeedsSession() {
		t.Error("a disabled mute by user is not in force")
	}
	byUser.rules[1].Disabled = false
	if !byUser.Muter(testNow).(interface{ NeedsSession() bool }).NeedsSession() {
		t.Error("a mute by user judges the session")
	}
}
