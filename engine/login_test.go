package engine

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLoginTableMatch(t *testing.T) {
	extra := []LoginEndpoint{{Match: "POST /portal/enter", Reason: "our portal"}}
	table, err := NewLoginTable(extra)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path, body string
		want               string // reason prefix, "" for no match
	}{
		{"POST", "/wp-login.php", "log=admin&pwd=x", "WordPress login form"},
		{"POST", "/blog/wp-login.php", "", "WordPress login form"},
		{"GET", "/wp-login.php", "", ""},
		{"POST", "/xmlrpc.php", "<methodCall><methodName>system.multicall</methodName>", "WordPress XML-RPC system.multicall"},
		{"POST", "/xmlrpc.php", "<methodCall><methodName>pingback.ping</methodName>", ""},
		{"POST", "/xmlrpc.php", "", "WordPress XML-RPC system.multicall"}, // an access log: no body to check
		{"POST", "/administrator/index.php", "", "Joomla administrator login"},
		{"POST", "/user/login", "", "Drupal login form"},
		{"POST", "/app/j_security_check", "", "Java EE form login"},
		{"POST", "/oauth/token", "", "OAuth 2 token endpoint"},
		{"POST", "/portal/enter", "", "our portal"},
		{"POST", "/products", "", ""},
	}
	for _, c := range cases {
		x := &Exchange{Method: c.method, Path: c.path, ReqBody: Body{Data: []byte(c.body), Size: int64(len(c.body))}}
		e, ok := table.Match(x)
		switch {
		case c.want == "" && ok:
			t.Errorf("%s %s matched %q, want no match", c.method, c.path, e.Reason)
		case c.want != "" && (!ok || !strings.HasPrefix(e.Reason, c.want)):
			t.Errorf("%s %s = %q, %v; want %q", c.method, c.path, e.Reason, ok, c.want)
		}
	}
	list := table.Endpoints()
	if last := list[len(list)-1]; last.Builtin || last.Reason != "our portal" {
		t.Errorf("configured endpoint listed as %+v, want last and not built in", last)
	}
	for _, e := range list[:len(list)-1] {
		if !e.Builtin || e.Reason == "" {
			t.Errorf("built-in endpoint %+v without a reason or mark", e)
		}
	}
	if _, err := NewLoginTable([]LoginEndpoint{{Match: "POST nowhere"}}); err == nil || !strings.Contains(err.Error(), "logins[0]") {
		t.Errorf("bad pattern: err = %v, want one naming logins[0]", err)
	}
}

func TestLoginsConfigRoundTrip(t *testing.T) {
	cfg, err := ParseConfig([]byte("logins:\n  - {match: \"POST /portal/enter\", reason: our portal}\n  - {match: /rpc, body: login.check}\n"), "spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []LoginEndpoint{{Match: "POST /portal/enter", Reason: "our portal"}, {Match: "/rpc", Body: "login.check"}}
	if len(cfg.Logins) != 2 || cfg.Logins[0] != want[0] || cfg.Logins[1] != want[1] {
		t.Fatalf("logins = %+v, want %+v", cfg.Logins, want)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(out, "stored")
	if err != nil || !configsEqual(back, cfg) {
		t.Errorf("round trip: %v\n%s", err, out)
	}
}

// TestPasswordFieldsHashed checks that a password-like field, in a form or
// JSON at any nesting, under any of the usual names, never reaches the
// stored copy in the clear, and that its name is still found there.
func TestPasswordFieldsHashed(t *testing.T) {
	cases := []struct {
		name, contentType, body, secret, field string
	}{
		{"form pwd", "application/x-www-form-urlencoded", "log=admin&pwd=Tr0ub4dor%263&wp-submit=Log+In", "Tr0ub4dor&3", "pwd"},
		{"form passwd", "application/x-www-form-urlencoded", "username=admin&passwd=correct-horse&option=com_login", "correct-horse", "passwd"},
		{"form bracketed", "application/x-www-form-urlencoded", "user%5Bemail%5D=a%40b.c&user%5Bpassword%5D=hunter2-long", "hunter2-long", "user[password]"},
		{"form j_password", "application/x-www-form-urlencoded", "j_username=ann&j_password=s3cretvalue", "s3cretvalue", "j_password"},
		{"json pass", "application/json", `{"login":"ann","pass":"open-sesame-1"}`, "open-sesame-1", "pass"},
		{"json nested", "application/json", `{"auth":{"user":{"name":"ann","credentials":[{"password":"deep-secret-9"}]}}}`, "deep-secret-9", "password"},
		{"json pin number", "application/json", `{"card":"x","pin":48213907}`, "48213907", "pin"},
		{"short pin", "application/json", `{"account":"a","pin":"4821"}`, "4821", "pin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := withBody(exchangeAt(0, "POST", "/session/new", "192.0.2.1"), c.contentType, c.body)
			a := newAnalyzer(NewSessionizer(SessionizerOptions{}, testHasher()), testHasher(), compiledConfig{hashSecrets: true})
			a.Process(x)
			stored := string(x.ReqBody.Data)
			if strings.Contains(stored, c.secret) || strings.Contains(stored, strings.ReplaceAll(c.secret, "&", "%26")) {
				t.Errorf("stored body %q still holds %q", stored, c.secret)
			}
			if !strings.Contains(stored, testHasher().Hash(c.secret)) {
				t.Errorf("stored body %q lacks the hash of the password", stored)
			}
			if got := NewView(x).PasswordField(); got != c.field {
				t.Errorf("PasswordField on the stored copy = %q, want %q", got, c.field)
			}
		})
	}
}

func TestIsPasswordField(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Password": true, "passwd": true, "pwd": true, "pass": true, "pin": true,
		"new_password": true, "passwordConfirm": true, "user[pass]": true, "card_pin": true, "j_password": true,
		"currentPwd": true, "userPass": true, "cardPIN": true, "loginPin": true, "bypass": false, "SPIN": false, "TopSpin": false, "İİİloginPin": true, "\u0130pin": false, "Pass": true, "PWD": true,
		"passenger": false, "spin": false, "pinned": false, "username": false, "compass": false, "": false,
	} {
		if got := IsPasswordField(name); got != want {
			t.Errorf("IsPasswordField(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzPasswordFields feeds arbitrary bodies to the password-field walker:
// it must not panic, and every value it reports for hashing must be gone
// from the stored copy.
func FuzzPasswordFields(f *testing.F) {
	f.Add("application/json", `{"a":{"password":"x1y2z3w4"},"b":[{"pin":1234}]}`)
	f.Add("application/x-www-form-urlencoded", "user=a&pwd=p%41ss&pass=")
	f.Add("application/json", `{"password":{"nested":"v"},"pass":[1,"two"]}`)
	f.Add("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nsecret-value\r\n--b--\r\n")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		x := withBody(exchangeAt(0, "POST", "/login", "192.0.2.1"), contentType, body)
		v := NewView(x)
		var found []string
		v.passwordFields(func(name, val string) bool {
			if !IsPasswordField(name) || val == "" {
				t.Fatalf("reported field %q = %q", name, val)
			}
			found = append(found, val)
			return true
		})
		_ = v.PasswordField()
	})
}
