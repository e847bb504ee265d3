package engine

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustAnalyzer(t testing.TB, cfg Config) *Analyzer {
	t.Helper()
	a, err := NewAnalyzerFromConfig(cfg, testHasher())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestContextParameters(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.cookie.sid"}
	cfg.Context = []ContextParam{
		{Point: "req.json.username", Type: ParamUser},
		{Point: "req.jwt.role", Type: ParamRole},
		{Point: "req.json.amount", Type: ParamContext},
		{Point: "req.header.X-Tenant"},
	}
	a := mustAnalyzer(t, cfg)

	anon := exchangeAt(0, "GET", "/", "192.0.2.1", "Cookie", "sid=S", "X-Tenant", "acme")
	s := a.Process(anon)
	if s.User != "" || s.Role != "" {
		t.Fatalf("anonymous request named the session: %q %q", s.User, s.Role)
	}
	if want := map[string]string{"req.header.X-Tenant": "acme"}; !mapsEqual(anon.Context, want) {
		t.Errorf("context = %v, want %v", anon.Context, want)
	}

	// The session learns its user later, and keeps the first one it learns.
	login := withBody(exchangeAt(time.Second, "POST", "/login", "192.0.2.1", "Cookie", "sid=S",
		"Authorization", "Bearer "+makeJWT(`{"role":"admin"}`)), "application/json", `{"username":"alice","amount":12.5}`)
	s = a.Process(login)
	if s.User != "alice" || s.Role != "admin" {
		t.Errorf("user %q role %q, want alice admin", s.User, s.Role)
	}
	want := map[string]string{"req.json.username": "alice", "req.jwt.role": "admin", "req.json.amount": "12.5"}
	if !mapsEqual(login.Context, want) {
		t.Errorf("context = %v, want %v", login.Context, want)
	}
	s = a.Process(withBody(exchangeAt(2*time.Second, "POST", "/login", "192.0.2.1", "Cookie", "sid=S"), "application/json", `{"username":"mallory"}`))
	if s.User != "alice" {
		t.Errorf("user changed to %q; the first name stays", s.User)
	}
	// A new part of the same key value starts knowing its user.
	s = a.Process(exchangeAt(3*time.Hour, "GET", "/", "192.0.2.1", "Cookie", "sid=S"))
	if s.Part != 2 || s.User != "alice" || s.Role != "admin" {
		t.Errorf("part %d user %q role %q, want part 2 of alice admin", s.Part, s.User, s.Role)
	}
}

// TestRefusedClaimDoesNotNameTheSession: the user name of a failed login
// (an injection attempt, a stuffer's guess) stays on its request and does
// not name the session; the first accepted request that carries one does.
func TestRefusedClaimDoesNotNameTheSession(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Context = []ContextParam{{Point: "req.json.username", Type: ParamUser}}
	a := mustAnalyzer(t, cfg)

	for i, name := range []string{"admin' --", "jonas.brown@mail.example"} {
		x := withBody(exchangeAt(time.Duration(i)*time.Second, "POST", "/login", "192.0.2.66"), "application/json", `{"username":"`+name+`"}`)
		x.Status = 401
		s := a.Process(x)
		if s.User != "" {
			t.Fatalf("a refused login named the session %q", s.User)
		}
		if x.Context["req.json.username"] != name {
			t.Errorf("the refused request lost its claimed user: %v", x.Context)
		}
	}
	unanswered := withBody(exchangeAt(2*time.Second, "POST", "/login", "192.0.2.66"), "application/json", `{"username":"zed"}`)
	unanswered.Status = 0
	if s := a.Process(unanswered); s.User != "" {
		t.Fatalf("a login with no answer named the session %q", s.User)
	}
	ok := withBody(exchangeAt(3*time.Second, "POST", "/login", "192.0.2.66"), "application/json", `{"username":"carol"}`)
	if s := a.Process(ok); s.User != "carol" {
		t.Errorf("the accepted login named the session %q, want carol", s.User)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// storedText is everything of an exchange that is written to disk, in one
// string, to search for leaks.
func storedText(t *testing.T, x *Exchange) string {
	t.Helper()
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + string(x.ReqBody.Data) + string(x.RespBody.Data)
}

func TestHashedParameterNeverStored(t *testing.T) {
	const card = "4111111111111111"
	const user = "alice.smith"
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.jwt.sub"}
	cfg.Context = []ContextParam{
		{Point: "req.json.card", Hash: true},
		{Point: "req.jwt.sub", Type: ParamUser, Hash: true},
		{Point: "req.json.pin", Hash: true},
	}
	a := mustAnalyzer(t, cfg)
	h := testHasher()

	x := withBody(exchangeAt(0, "POST", "/pay/"+card+"?card="+card+"&u="+url.QueryEscape(user), "192.0.2.1",
		"Authorization", "Bearer "+makeJWT(`{"sub":"`+user+`"}`),
		"X-Card", card,
		"Cookie", "last="+card,
		"X-Pin", "1234",
	), "application/json", `{"card":"`+card+`","pin":1234,"note":"card `+card+` of `+user+`","n":12345,"nested":{"c":"\u0034111111111111111"}}`)
	withResponse(x, 200, `{"ok":true,"echo":"`+card+`","pin":"1234","pins":[1234,41234]}`, "Set-Cookie", "c="+card)
	s := a.Process(x)

	text := storedText(t, x)
	for _, clear := range []string{card, user, url.QueryEscape(user)} {
		if strings.Contains(text, clear) {
			t.Errorf("clear value %q stored:\n%s", clear, text)
		}
	}
	if strings.Contains(s.User, user) || strings.Contains(s.Actor, user) {
		t.Errorf("session shows the clear user: user %q actor %q", s.User, s.Actor)
	}
	if s.User != h.Hash(user) {
		t.Errorf("session user %q, want the hash", s.User)
	}
	if got := x.Context["req.json.card"]; got != h.Hash(card) {
		t.Errorf("context card = %q, want its hash", got)
	}
	var req, resp map[string]any
	if err := json.Unmarshal(x.ReqBody.Data, &req); err != nil {
		t.Fatalf("request body no longer JSON: %v\n%s", err, x.ReqBody.Data)
	}
	if err := json.Unmarshal(x.RespBody.Data, &resp); err != nil {
		t.Fatalf("response body no longer JSON: %v\n%s", err, x.RespBody.Data)
	}
	// A short value is replaced where it stands alone, not inside others.
	if req["pin"] != h.Hash("1234") || resp["pin"] != h.Hash("1234") || req["n"] != float64(12345) {
		t.Errorf("pin %v / %v, n %v", req["pin"], resp["pin"], req["n"])
	}
	if pins := resp["pins"].([]any); pins[0] != h.Hash("1234") || pins[1] != float64(41234) {
		t.Errorf("pins = %v", pins)
	}
	if got := x.ReqHeader("X-Pin"); got != h.Hash("1234") {
		t.Errorf("X-Pin = %q", got)
	}
	if x.Endpoint != "/pay/{hash}" {
		t.Errorf("endpoint %q", x.Endpoint)
	}
	// The session is the same one the clear value identifies.
	if s.Identity != h.Hash(user) {
		t.Errorf("identity %q, want hash of the subject", s.Identity)
	}
}

func TestHashedParameterInFormsAndCompressedBodies(t *testing.T) {
	const secret = "hunter2-xyz"
	cfg := DefaultConfig()
	cfg.Context = []ContextParam{{Point: "req.form.password", Hash: true}}
	a := mustAnalyzer(t, cfg)

	form := withBody(exchangeAt(0, "POST", "/login", "192.0.2.1"), "application/x-www-form-urlencoded", "user=a&password=hunter2%2Dxyz&again=hunter2-xyz")
	a.Process(form)
	if strings.Contains(string(form.ReqBody.Data), "hunter2") {
		t.Errorf("urlencoded body keeps the secret: %s", form.ReqBody.Data)
	}

	multi := withBody(exchangeAt(0, "POST", "/login", "192.0.2.1"), "multipart/form-data; boundary=B",
		"--B\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n"+secret+"\r\n--B--\r\n")
	withResponse(multi, 200, string(gzipBytes([]byte(`{"you_sent":"`+secret+`"}`))), "Content-Encoding", "gzip")
	a.Process(multi)
	if strings.Contains(string(multi.ReqBody.Data), secret) {
		t.Errorf("multipart body keeps the secret: %s", multi.ReqBody.Data)
	}
	inflated, ok := inflate(codecGzip, multi.RespBody.Data, nil, false)
	if !ok || strings.Contains(string(inflated), secret) || !strings.Contains(string(inflated), testHasher().Hash(secret)) {
		t.Errorf("compressed response: ok %v, %s", ok, inflated)
	}

	// A body cut at the capture cap loses even the start of the value.
	cut := withBody(exchangeAt(0, "POST", "/login", "192.0.2.1", "X-Password", secret), "text/plain", "note: "+secret[:7])
	cut.ReqBody.Truncated = true
	cfg.Context = []ContextParam{{Point: "req.header.X-Password", Hash: true}}
	mustAnalyzer(t, cfg).Process(cut)
	if strings.Contains(string(cut.ReqBody.Data), secret[:5]) {
		t.Errorf("truncated body keeps a prefix: %s", cut.ReqBody.Data)
	}
}

func TestSecretsHashedByDefault(t *testing.T) {
	mk := func() *Exchange {
		return withResponse(exchangeAt(0, "GET", "/", "192.0.2.1", "Authorization", "Bearer tok-1", "Cookie", "sid=s1; theme=dark"),
			200, "", "Set-Cookie", "sid=s2; Path=/")
	}
	x := mk()
	mustAnalyzer(t, DefaultConfig()).Process(x)
	for _, clear := range []string{"tok-1", "s1", "dark", "s2"} {
		if strings.Contains(storedText(t, x), clear) {
			t.Errorf("secret %q stored by default", clear)
		}
	}
	if got := x.ReqHeader("Authorization"); !strings.HasPrefix(got, "Bearer hmac:") {
		t.Errorf("Authorization = %q, want the scheme kept", got)
	}

	cfg := DefaultConfig()
	cfg.Secrets = SecretsClear
	x = mk()
	mustAnalyzer(t, cfg).Process(x)
	if x.ReqHeader("Authorization") != "Bearer tok-1" || x.ReqHeader("Cookie") != "sid=s1; theme=dark" || x.RespHeader("Set-Cookie") != "sid=s2; Path=/" {
		t.Errorf("secrets: clear still hashed: %v %v", x.ReqHeaders, x.RespHeaders)
	}
}

func TestFlows(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.header.X-Session-Id"}
	cfg.Flows = append(cfg.Flows, Flow{Name: "Orders", Match: []string{"* /api/*/orders/**"}})
	a := mustAnalyzer(t, cfg)
	reqs := []struct {
		method, path string
		want         []string
	}{
		{"POST", "/api/v2/login", []string{"Auth"}},
		{"GET", "/api/v2/orders", []string{"Orders"}},
		{"GET", "/api/v2/orders/17", []string{"Orders"}},
		{"POST", "/admin/users", []string{"Account creation", "Admin"}},
		{"GET", "/catalog", nil},
	}
	var s Session
	for i, r := range reqs {
		x := exchangeAt(time.Duration(i)*time.Second, r.method, r.path, "192.0.2.1", "X-Session-Id", "S")
		s = a.Process(x)
		if !slices.Equal(x.Flows, r.want) {
			t.Errorf("%s %s: flows %v, want %v", r.method, r.path, x.Flows, r.want)
		}
	}
	if s.Flows["Orders"] != 2 || s.Flows["Auth"] != 1 || s.Flows["Admin"] != 1 {
		t.Errorf("session flows = %v", s.Flows)
	}
	if got := s.FlowShare("Orders"); got != 0.4 {
		t.Errorf("share of Orders = %v, want 0.4", got)
	}
	if got := s.FlowShare("Billing"); got != 0 {
		t.Errorf("share of Billing = %v", got)
	}
}

func TestEndpointFilled(t *testing.T) {
	x := exchangeAt(0, "GET", "/users/123/orders/6f1c2e0a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "192.0.2.1")
	mustAnalyzer(t, DefaultConfig()).Process(x)
	if x.Endpoint != "/users/{id}/orders/{uuid}" {
		t.Errorf("endpoint %q", x.Endpoint)
	}
}

func TestInScope(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scope = ScopeConfig{
		IncludeHosts: []string{"*.example.com", "localhost:8080"},
		ExcludeHosts: []string{"static.example.com"},
		IncludePaths: []string{"/api/**", "/login"},
		ExcludePaths: []string{"/api/healthz", "/api/*/metrics"},
	}
	a := mustAnalyzer(t, cfg)
	for _, tt := range []struct {
		host, path string
		want       bool
	}{
		{"api.example.com", "/api/users", true},
		{"API.Example.com:443", "/api/users", true},
		{"api.example.com", "/login/", true},
		{"api.example.com", "/home", false},
		{"api.example.com", "/api/healthz", false},
		{"api.example.com", "/api/v1/metrics", false},
		{"static.example.com", "/api/users", false},
		{"example.org", "/api/users", false},
		{"localhost:8080", "/api", true},
		{"localhost:9090", "/api", false},
	} {
		x := exchangeAt(0, "GET", tt.path, "192.0.2.1")
		x.Host = tt.host
		if got := a.InScope(x); got != tt.want {
			t.Errorf("InScope(%s%s) = %v, want %v", tt.host, tt.path, got, tt.want)
		}
	}
	if !mustAnalyzer(t, DefaultConfig()).InScope(&Exchange{}) {
		t.Error("the default scope excludes something")
	}
}

func TestNewAnalyzerKeepsDefaults(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	x := exchangeAt(0, "POST", "/login", "192.0.2.1", "Authorization", "Bearer t")
	s := a.Process(x)
	if !slices.Equal(x.Flows, []string{"Auth"}) || s.Flows["Auth"] != 1 {
		t.Errorf("default flows not applied: %v", x.Flows)
	}
	if x.ReqHeader("Authorization") == "Bearer t" {
		t.Error("secrets not hashed")
	}
}

func TestNewAnalyzerFromConfigErrors(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"key":     func(c *Config) { c.Grouping.Keys = []string{"req.nope"} },
		"context": func(c *Config) { c.Context = []ContextParam{{Point: "req.json.a", Type: "boss"}} },
		"flow":    func(c *Config) { c.Flows = []Flow{{Name: "X", Match: []string{"GET nope"}}} },
		"scope":   func(c *Config) { c.Scope.ExcludePaths = []string{"nope"} },
		"secrets": func(c *Config) { c.Secrets = "maybe" },
		"retention": func(c *Config) {
			c.Retention = -time.Hour
		},
	} {
		cfg := DefaultConfig()
		mutate(&cfg)
		if _, err := NewAnalyzerFromConfig(cfg, testHasher()); err == nil {
			t.Errorf("%s: bad configuration accepted", name)
		} else if err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
			t.Errorf("%s: error %q does not start lower-case", name, err)
		}
	}
}

// TestSetContext changes the context parameters of a running analyzer: the
// next exchange records the new ones and joins the same session, whose
// part and count carry on; a bad configuration is refused and changes
// nothing.
func TestSetContext(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.cookie.sid"}
	a := mustAnalyzer(t, cfg)
	first := exchangeAt(0, "GET", "/", "192.0.2.1", "Cookie", "sid=S", "X-Tenant", "acme")
	s := a.Process(first)
	if len(first.Context) != 0 {
		t.Fatalf("context before: %v", first.Context)
	}
	bad := cfg
	bad.Context = []ContextParam{{Point: "req.nonsense.x"}}
	if err := a.SetContext(bad); err == nil {
		t.Fatal("a bad point was accepted")
	}
	cfg.Context = []ContextParam{{Point: "req.header.X-Tenant", Type: ParamContext}}
	if err := a.SetContext(cfg); err != nil {
		t.Fatal(err)
	}
	second := exchangeAt(time.Second, "GET", "/", "192.0.2.1", "Cookie", "sid=S", "X-Tenant", "acme")
	s2 := a.Process(second)
	if want := map[string]string{"req.header.X-Tenant": "acme"}; !mapsEqual(second.Context, want) {
		t.Errorf("context after: %v, want %v", second.Context, want)
	}
	if s2.ID != s.ID || s2.Requests != 2 {
		t.Errorf("session %s with %d requests, want %s with 2", s2.ID, s2.Requests, s.ID)
	}
}
