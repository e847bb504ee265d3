package engine

import (
	"strings"
	"testing"
	"time"
)

// analyzerWith builds an analyzer from DefaultConfig with the given keys.
func analyzerWith(t testing.TB, keys ...string) *Analyzer {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Grouping.Keys = keys
	a, err := NewAnalyzerFromConfig(cfg, testHasher())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStitchTokenAcrossPoints is the login scenario of PRODUCT.md: the token
// a login response returns identifies the login itself and every later
// request that sends it back, wherever it is sent.
func TestStitchTokenAcrossPoints(t *testing.T) {
	const token = "tok-7f3a9c1e5b"
	a := analyzerWith(t, "resp.json.token", "req.query.token", "req.bearer")
	login := withResponse(withBody(exchangeAt(0, "POST", "/login", "198.51.100.1"),
		"application/json", `{"user":"alice","password":"pw"}`), 200, `{"token":"`+token+`"}`)
	byQuery := exchangeAt(time.Second, "GET", "/a?token="+token, "198.51.100.2")
	byBearer := exchangeAt(2*time.Second, "GET", "/b", "198.51.100.3", "Authorization", "Bearer "+token)
	other := exchangeAt(3*time.Second, "GET", "/b", "198.51.100.3", "Authorization", "Bearer someone-else")

	var s Session
	for _, x := range []*Exchange{login, byQuery, byBearer} {
		s = a.Process(x)
	}
	if s.Requests != 3 {
		t.Fatalf("session has %d requests, want 3", s.Requests)
	}
	for i, x := range []*Exchange{login, byQuery, byBearer} {
		if x.SessionID != s.ID {
			t.Errorf("exchange %d in session %s, want %s", i, x.SessionID, s.ID)
		}
	}
	if login.KeyPoint != "resp.json.token" || byQuery.KeyPoint != "resp.json.token" {
		t.Errorf("key points %q, %q: the session keeps the key that opened it", login.KeyPoint, byQuery.KeyPoint)
	}
	if s.Identity != testHasher().Hash(token) {
		t.Errorf("identity %q is not the hash of the token", s.Identity)
	}
	if o := a.Process(other); o.ID == s.ID {
		t.Errorf("another token joined session %s", s.ID)
	}
}

// TestKeyOrder checks that the first key with a value wins and that
// reordering the keys changes the grouping.
func TestKeyOrder(t *testing.T) {
	traffic := func() []*Exchange {
		return []*Exchange{
			exchangeAt(0, "GET", "/", "192.0.2.1", "X-Session-Id", "S1", "Cookie", "sid=C1"),
			exchangeAt(time.Second, "GET", "/", "192.0.2.1", "X-Session-Id", "S1", "Cookie", "sid=C2"),
			exchangeAt(2*time.Second, "GET", "/", "192.0.2.1", "X-Session-Id", "S2", "Cookie", "sid=C2"),
		}
	}
	sessions := func(keys ...string) ([]string, []string) {
		a := analyzerWith(t, keys...)
		var ids, points []string
		for _, x := range traffic() {
			a.Process(x)
			ids = append(ids, x.SessionID)
			points = append(points, x.KeyPoint)
		}
		return ids, points
	}

	ids, points := sessions("req.header.X-Session-Id", "req.cookie.sid")
	if ids[0] != ids[1] || ids[1] == ids[2] {
		t.Errorf("header first: sessions %v, want the first two together", ids)
	}
	if points[0] != "req.header.X-Session-Id" {
		t.Errorf("header first: key point %q", points[0])
	}

	ids, points = sessions("req.cookie.sid", "req.header.X-Session-Id")
	if ids[0] == ids[1] || ids[1] != ids[2] {
		t.Errorf("cookie first: sessions %v, want the last two together", ids)
	}
	if points[0] != "req.cookie.sid" {
		t.Errorf("cookie first: key point %q", points[0])
	}
}

// TestKeyFallbacks walks down the effective list: configured, built-in,
// address and agent, address.
func TestKeyFallbacks(t *testing.T) {
	list, err := NewKeyList([]string{"req.header.X-Tenant+req.header.X-User"}, true)
	if err != nil {
		t.Fatal(err)
	}
	h := testHasher()
	tests := []struct {
		name    string
		x       *Exchange
		point   string
		display string
	}{
		{"configured compound", exchangeAt(0, "GET", "/", "192.0.2.1", "X-Tenant", "t1", "X-User", "u1"), "req.header.X-Tenant+req.header.X-User", ""},
		{"compound needs every part", exchangeAt(0, "GET", "/", "192.0.2.1", "X-Tenant", "t1", "Cookie", "PHPSESSID=p"), "req.cookie.PHPSESSID", ""},
		{"jwt subject and issuer", exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer "+makeJWT(`{"sub":"u","iss":"i"}`)), "req.jwt.sub+req.jwt.iss", "u i"},
		{"opaque bearer", exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer opaque"), "req.bearer", ""},
		{"ip and agent", exchangeAt(0, "GET", "/", "192.0.2.1", "User-Agent", "ua/1"), "req.ip+req.ua", "192.0.2.1 ua/1"},
		{"ip", exchangeAt(0, "GET", "/", "192.0.2.1"), "req.ip", "192.0.2.1"},
		{"nothing", &Exchange{}, "", "(unidentified)"},
	}
	for _, tt := range tests {
		id := list.Identify(NewView(tt.x), h)
		if got := id.Key.String(); got != tt.point {
			t.Errorf("%s: key %q, want %q", tt.name, got, tt.point)
		}
		if tt.display != "" && id.Display != tt.display {
			t.Errorf("%s: display %q, want %q", tt.name, id.Display, tt.display)
		}
	}
}

func TestDescribe(t *testing.T) {
	list, err := NewKeyList([]string{"resp.json.token", "req.cookie.PHPSESSID"}, true)
	if err != nil {
		t.Fatal(err)
	}
	info := list.Describe()
	if len(info) != len(list) {
		t.Fatalf("%d infos for %d keys", len(info), len(list))
	}
	first, second, last := info[0], info[1], info[len(info)-1]
	if first.Order != 1 || first.Key != "resp.json.token" || first.Origin != OriginConfig || !first.Hashed || first.Why == "" {
		t.Errorf("first = %+v", first)
	}
	if second.Key != "req.cookie.PHPSESSID" || second.Origin != OriginConfig {
		t.Errorf("a configured key that is also built in keeps its configured place: %+v", second)
	}
	if last.Key != "req.ua" || last.Origin != OriginFallback || last.Hashed || last.Order != len(list) {
		t.Errorf("last = %+v", last)
	}
	builtins := 0
	for _, k := range info {
		if k.Origin == OriginBuiltin {
			builtins++
			if k.Why == "" {
				t.Errorf("built-in key %s does not say why", k.Key)
			}
			if k.Key == "req.cookie.PHPSESSID" {
				t.Errorf("built-in key repeated after its configured copy")
			}
		}
	}
	if builtins == 0 {
		t.Error("no built-in keys listed")
	}
	noBuiltin, _ := NewKeyList(nil, false)
	if got := len(noBuiltin.Describe()); got != 3 {
		t.Errorf("without built-ins: %d keys, want the 3 fallbacks", got)
	}
}

// TestRegroupStoredCopy checks that grouping a stored (redacted) copy yields
// the identity the clear exchange had, for keys whose value is stored
// hashed as a whole.
func TestRegroupStoredCopy(t *testing.T) {
	list, _ := NewKeyList([]string{"req.cookie.sid", "req.bearer", "req.basic"}, false)
	h := testHasher()
	for _, x := range []*Exchange{
		exchangeAt(0, "GET", "/", "192.0.2.1", "Cookie", "a=1; sid=S"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer opaque"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Basic YWxpY2U6cHc="),
	} {
		live := list.Identify(NewView(x), h)
		h.RedactSecrets(x)
		stored := list.Identify(NewView(x), h)
		if live.Value != stored.Value || live.Key.String() != stored.Key.String() {
			t.Errorf("%v: live %s %s, stored %s %s", x.ReqHeaders, live.Key, live.Value, stored.Key, stored.Value)
		}
	}
}

// TestRegroupStoredJWT checks that a bearer JWT, stored with its signature
// replaced by the hash of the whole token, still groups by its claims and
// by req.bearer exactly as the clear token did, and cannot be replayed.
func TestRegroupStoredJWT(t *testing.T) {
	token := makeJWT(`{"sub":"42","iss":"https://idp.test","role":"admin"}`)
	h := testHasher()
	for _, keys := range [][]string{{"req.jwt.sub+req.jwt.iss"}, {"req.jwt.role"}, {"req.bearer"}} {
		list, _ := NewKeyList(keys, false)
		x := exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer "+token)
		live := list.Identify(NewView(x), h)
		h.RedactSecrets(x)
		stored := x.ReqHeader("Authorization")
		if strings.Contains(stored, token) || strings.HasSuffix(stored, token[strings.LastIndexByte(token, '.'):]) {
			t.Fatalf("stored Authorization keeps the signature: %q", stored)
		}
		again := list.Identify(NewView(x), h)
		if live.Value != again.Value || live.Key.String() != again.Key.String() {
			t.Errorf("%v: live %s %s, stored %s %s", keys, live.Key, live.Value, again.Key, again.Value)
		}
		h.RedactSecrets(x)
		if x.ReqHeader("Authorization") != stored {
			t.Errorf("redacting twice changed %q to %q", stored, x.ReqHeader("Authorization"))
		}
	}
}

// TestIdentityMemo checks that the memo the sessionizer identifies with
// answers what KeyList.Identify does, when it first meets a value and when
// it remembers it, and keeps apart one value under two keys: the hash is
// the same, but the key and what is displayed are not.
func TestIdentityMemo(t *testing.T) {
	list, err := NewKeyList([]string{"req.header.X-Tenant+req.header.X-User", "req.header.X-Name"}, true)
	if err != nil {
		t.Fatal(err)
	}
	h := testHasher()
	xs := []*Exchange{
		exchangeAt(0, "GET", "/", "192.0.2.1", "X-Tenant", "t1", "X-User", "u1"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "X-Name", "t1\x1fu1"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "Cookie", "sid=secret"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer secret"),
		exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer "+h.Hash("secret")),
		exchangeAt(0, "GET", "/", "192.0.2.1", "User-Agent", "ua/1"),
		exchangeAt(0, "GET", "/", "192.0.2.2", "User-Agent", "ua/1"),
		exchangeAt(0, "GET", "/", "192.0.2.1"),
		{},
	}
	m := newIdentityMemo(list, h)
	for round := range 2 {
		for i, x := range xs {
			want := list.Identify(NewView(x), h)
			got, _ := m.identify(NewView(x))
			if got.Key.String() != want.Key.String() || got.Value != want.Value || got.Display != want.Display {
				t.Errorf("round %d, exchange %d: memo %q %q %q, want %q %q %q", round, i,
					got.Key, got.Value, got.Display, want.Key, want.Value, want.Display)
			}
		}
	}
	long := exchangeAt(0, "GET", "/", "192.0.2.1", "X-Name", strings.Repeat("n", maxMemoValue+1))
	held := len(m.seen)
	got, _ := m.identify(NewView(long))
	if want := list.Identify(NewView(long), h); got.Value != want.Value || got.Display != want.Display {
		t.Errorf("long value: memo %q %q, want %q %q", got.Value, got.Display, want.Value, want.Display)
	}
	if len(m.seen) != held {
		t.Errorf("the memo kept a value of %d bytes, past maxMemoValue", maxMemoValue+1)
	}
}
