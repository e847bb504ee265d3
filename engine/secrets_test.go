package engine

import (
	"strings"
	"testing"
)

// TestWellKnownSecretsHashed checks that a login's password and the token
// its response carries never survive in the stored copy, and that the
// token's stored hash is the identity its later bearer use gets.
func TestWellKnownSecretsHashed(t *testing.T) {
	token := makeJWT(`{"sub":"7","iss":"https://idp.test"}`)
	login := withBody(exchangeAt(0, "POST", "/login", "192.0.2.1"), "application/json", `{"username":"ann","password":"s3cret-pass"}`)
	login = withResponse(login, 200, `{"token":"`+token+`","refresh_token":"r-123456789"}`, "Content-Type", "application/json")

	keys, _ := NewKeyList([]string{"resp.json.token", "req.bearer"}, false)
	a := newAnalyzer(NewSessionizer(SessionizerOptions{Keys: keys}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
	s1 := a.Process(login)
	stored := storedText(t, login)
	for _, secret := range []string{"s3cret-pass", token, "r-123456789"} {
		if strings.Contains(stored, secret) {
			t.Errorf("stored login contains %q", secret)
		}
	}
	use := exchangeAt(1, "GET", "/me", "192.0.2.1", "Authorization", "Bearer "+token)
	if s2 := a.Process(use); s2.ID != s1.ID {
		t.Errorf("bearer use went to session %s, login to %s", s2.ID, s1.ID)
	}

	// Stored copies group the same way: replay them through a new analyzer.
	b := newAnalyzer(NewSessionizer(SessionizerOptions{Keys: keys}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
	if r1, r2 := b.Process(login), b.Process(use); r1.ID != s1.ID || r2.ID != s1.ID {
		t.Errorf("regrouped stored copies into %s and %s, want %s", r1.ID, r2.ID, s1.ID)
	}
}

// TestAttackFragmentsProtected checks that a tag found in a cookie keeps
// only the hash of what matched, while other tags keep their fragment, and
// that the session counts tags by type.
func TestAttackFragmentsProtected(t *testing.T) {
	x := exchangeAt(0, "GET", "/search?q=1'+OR+1=1", "192.0.2.1", "Cookie", "sid=' OR '1'='1")
	x.Attacks = []AttackTag{
		{Type: AttackSQLi, Point: "req.cookie.sid", Rule: "libinjection-sqli", Fragment: "' OR '1'='1"},
		{Type: AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli", Fragment: "1' OR 1=1"},
	}
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	s := a.Process(x)
	if f := x.Attacks[0].Fragment; !IsHashed(f) {
		t.Errorf("cookie fragment stored as %q, want its hash", f)
	}
	if f := x.Attacks[1].Fragment; f != "1' OR 1=1" {
		t.Errorf("query fragment = %q, want it kept", f)
	}
	if s.Attacks[AttackSQLi] != 2 {
		t.Errorf("session attacks = %v, want sqli: 2", s.Attacks)
	}
}

// TestClientSecretHashed checks that the client secret an OAuth token
// endpoint receives (client-credentials grant, form or JSON) never
// survives in the stored copy.
func TestClientSecretHashed(t *testing.T) {
	for _, c := range []struct{ ctype, body string }{
		{"application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=app&client_secret=Zq9-client-secret"},
		{"application/json", `{"grant_type":"client_credentials","client_id":"app","client_secret":"Zq9-client-secret"}`},
	} {
		x := withBody(exchangeAt(0, "POST", "/oauth/token", "192.0.2.1"), c.ctype, c.body)
		a := newAnalyzer(NewSessionizer(SessionizerOptions{}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
		a.Process(x)
		if strings.Contains(storedText(t, x), "Zq9-client-secret") {
			t.Errorf("%s: stored token request contains its client secret", c.ctype)
		}
	}
}

// TestCamelCasePasswordHashed checks that a password field named in
// camelCase (currentPwd, nested in JSON) is hashed like current_pwd.
func TestCamelCasePasswordHashed(t *testing.T) {
	x := withBody(exchangeAt(0, "POST", "/account", "192.0.2.1"), "application/json", `{"change":{"currentPwd":"Zq9-current-pwd","newPassword":"Zq9-new-password"}}`)
	a := newAnalyzer(NewSessionizer(SessionizerOptions{}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
	a.Process(x)
	stored := storedText(t, x)
	for _, secret := range []string{"Zq9-current-pwd", "Zq9-new-password"} {
		if strings.Contains(stored, secret) {
			t.Errorf("stored exchange contains %q", secret)
		}
	}
}

// TestPasswordArrayHashed checks that the strings of an array held by a
// password-like member are hashed like a single value.
func TestPasswordArrayHashed(t *testing.T) {
	for _, body := range []string{
		`{"credentials":{"password":["Zq9-arr-pw"]}}`,
		`{"credentials":{"old_passwords":[["Zq9-arr-pw"],"x"]}}`,
		`{"a":[{"b":{"pin":"Zq9-arr-pw"}}]}`,
		`{"passwords":[{"value":"Zq9-arr-pw"}]}`,
		`{"password":{"kind":"plain","secret":{"v":"Zq9-arr-pw"}}}`,
	} {
		x := withBody(exchangeAt(0, "POST", "/account", "192.0.2.1"), "application/json", body)
		a := newAnalyzer(NewSessionizer(SessionizerOptions{}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
		a.Process(x)
		if strings.Contains(storedText(t, x), "Zq9-arr-pw") {
			t.Errorf("stored %s still holds its password", body)
		}
	}
	// A plain array elsewhere is no password.
	x := withBody(exchangeAt(0, "POST", "/account", "192.0.2.1"), "application/json", `{"password":"Zq9-pw-value","tags":["keep-me-clear"],"profile":{"name":"keep-me-clear"}}`)
	var names []string
	NewView(x).passwordFields(func(name, _ string) bool {
		names = append(names, name)
		return true
	})
	if len(names) != 1 || names[0] != "password" {
		t.Errorf("password fields %v, want [password]", names)
	}
}
