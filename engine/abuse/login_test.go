package abuse

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// formLogin makes the exchange a POST of an HTML login form to path, with
// no Auth flow to say so: only the password field or the path can.
func formLogin(path, userField, user, passField string) opt {
	return func(x *engine.Exchange) {
		x.Method, x.Path, x.Endpoint, x.Flows = "POST", path, path, nil
		body := userField + "=" + user + "&" + passField + "=guess"
		x.ReqBody = engine.Body{Data: []byte(body), Size: int64(len(body))}
		setHeader(x, "Content-Type", "application/x-www-form-urlencoded")
	}
}

// page answers with an HTML page of n bytes whose structure is fixed.
func page(title string, n int) opt {
	return func(x *engine.Exchange) {
		body := "<html><head><title>" + title + "</title></head><body><form><input name=u><input name=p></form>"
		body += strings.Repeat(" ", max(0, n-len(body)-len("</body></html>"))) + "</body></html>"
		x.RespBody = engine.Body{Data: []byte(body), Size: int64(len(body))}
	}
}

// respHeader adds a response header.
func respHeader(name, value string) opt {
	return func(x *engine.Exchange) {
		x.RespHeaders = append(x.RespHeaders, engine.Header{Name: name, Value: value})
	}
}

// logOnly strips what an access log does not have: request and response
// bodies and headers other than the User-Agent.
func logOnly(x *engine.Exchange) {
	x.ReqBody.Data, x.RespBody.Data, x.RespHeaders = nil, nil, nil
	x.ReqHeaders = []engine.Header{{Name: "User-Agent", Value: x.UserAgent()}}
}

func verdictOf(s *engine.Session, typ string) *engine.Verdict {
	for i := range s.Abuse {
		if s.Abuse[i].Type == typ {
			return &s.Abuse[i]
		}
	}
	return nil
}

// TestLoginsAnswering200 checks the logins that answer a wrong password
// with 200 and the form again: the outcome comes from the answer's shape.
func TestLoginsAnswering200(t *testing.T) {
	const hydra = "Mozilla/5.0 (Hydra)"
	failed := func(i int, at time.Duration, user string) *engine.Exchange {
		return get(at, "", formLogin("/account/enter", "username", user, "password"), page("bad credentials", 1840+i%7), ua(hydra), from("198.51.100.9"))
	}
	cases := []struct {
		name     string
		steps    []step
		want     string // the verdict required, "" for none at all
		evidence int
		explain  []string
	}{
		{"brute force on one name", in("s", spaced(40, 250*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return failed(i, at, "admin")
		})...), engine.AbuseBruteForce, 40, []string{
			"40 login attempts on POST /account/enter (a password field (password)) in 10 s",
			"40 failed: 40 answered 200 with 1,840 bytes (the failure shape of this endpoint",
			"1 user name tried (hashed)",
		}},
		{"stuffing over many names", in("s", spaced(40, 250*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return failed(i, at, "user"+strconv.Itoa(i))
		})...), engine.AbuseCredentialStuffing, 40, []string{"40 user names tried (hashed)"}},
		{"a person who mistypes once, then gets in", in("s",
			get(0, "", formLogin("/account/enter", "username", "carol", "password"), page("bad credentials", 1840)),
			get(4*time.Second, "", formLogin("/account/enter", "username", "carol", "password"), status(302), respHeader("Location", "/dashboard"), respHeader("Set-Cookie", "sid=abc123; HttpOnly")),
			get(5*time.Second, "/dashboard"), get(9*time.Second, "/orders"), get(15*time.Second, "/orders/7"),
		), "", 0, nil},
		{"failures that redirect back to the form", in("s", spaced(12, 500*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "", formLogin("/wp-login.php", "log", "admin", "pwd"), status(302), respHeader("Location", "/wp-login.php?error=1"), ua("python-requests/2.32.3"))
		})...), engine.AbuseBruteForce, 12, []string{"(WordPress login form", "12 redirected back to the login page"}},
		{"a brute force that ends in a redirect away", in("s", append(spaced(12, 500*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return failed(i, at, "admin")
		}), get(7*time.Second, "", formLogin("/account/enter", "username", "admin", "password"), status(302), respHeader("Location", "/home"), ua(hydra), from("198.51.100.9")))...),
			engine.AbuseAccountTakeover, 12, []string{"failed logins before a successful one 12"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, sessions := run(t, DefaultConfig(), c.steps)
			s := sessions["s"]
			tr.Refresh(s)
			t.Log(explainAll(s.Abuse))
			if c.want == "" {
				if len(s.Abuse) > 0 {
					t.Errorf("verdicts %s, want none", explainAll(s.Abuse))
				}
				return
			}
			v := verdictOf(s, c.want)
			if v == nil {
				t.Fatalf("no %s among %s", c.want, explainAll(s.Abuse))
			}
			if v.Evidence != c.evidence {
				t.Errorf("%s evidence %d, want %d", c.want, v.Evidence, c.evidence)
			}
			text := explainAll([]engine.Verdict{*v})
			for _, want := range c.explain {
				if !strings.Contains(text, want) {
					t.Errorf("explanation lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

// TestLoginsFromAccessLog checks the evidence an access log gives: sizes,
// rate and rhythm, no bodies or headers.
func TestLoginsFromAccessLog(t *testing.T) {
	burst := func(ip string, n int, gap time.Duration, start time.Duration) []*engine.Exchange {
		return spaced(n, gap, func(i int, at time.Duration) *engine.Exchange {
			x := get(start+at, "/administrator/index.php", func(x *engine.Exchange) { x.Method = "POST" }, respBytes(4512), from(ip),
				ua("Mozilla/5.0 (Windows NT 6.1; rv:40.0) Gecko/20100101 Firefox/40.0"))
			logOnly(x)
			return x
		})
	}
	t.Run("a burst at a machine's pace", func(t *testing.T) {
		tr, sessions := run(t, DefaultConfig(), in("s", burst("192.0.2.66", 250, 160*time.Millisecond, 0)...))
		s := sessions["s"]
		tr.Refresh(s)
		v := verdictOf(s, engine.AbuseBruteForce)
		if v == nil {
			t.Fatalf("no brute_force: %s", explainAll(s.Abuse))
		}
		text := explainAll([]engine.Verdict{*v})
		for _, want := range []string{
			"250 login attempts on POST /administrator/index.php (Joomla administrator login", "in 40 s",
			"250 failed: 250 answered 200 with 4,512 bytes (the failure shape of this endpoint",
			"user names not visible", "evidence from the access log alone",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("explanation lacks %q:\n%s", want, text)
			}
		}
		t.Log(text)
		if v.Evidence != 250 {
			t.Errorf("evidence %d, want 250", v.Evidence)
		}
	})
	t.Run("the same size at a person's pace", func(t *testing.T) {
		// An administrator who logs in a dozen times a day: the size
		// repeats, the pace is a person's.
		tr, sessions := run(t, DefaultConfig(), in("s", burst("192.0.2.67", 12, 2*time.Minute, 0)...))
		s := sessions["s"]
		tr.Refresh(s)
		if len(s.Abuse) > 0 {
			t.Errorf("verdicts %s, want none", explainAll(s.Abuse))
		}
	})
}

// TestLoginOutcome checks the inference of single answers.
func TestLoginOutcome(t *testing.T) {
	tr, err := NewTracker(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		x    *engine.Exchange
		want authOutcome
	}{
		{"401", get(0, "", login("a"), status(401)), authFailure},
		{"redirect back", get(0, "", formLogin("/signin", "u", "a", "password"), status(302), respHeader("Location", "https://shop.example/signin?failed=1")), authFailure},
		{"redirect away", get(0, "", formLogin("/signin", "u", "a", "password"), status(303), respHeader("Location", "/account")), authSuccess},
		{"token", get(0, "", formLogin("/api/session/create", "u", "a", "password"), func(x *engine.Exchange) {
			x.RespBody = engine.Body{Data: []byte(`{"access_token":"eyJ.x.y"}`), Size: 26}
		}), authSuccess},
		{"session cookie", get(0, "", formLogin("/enter", "u", "a", "pwd"), respHeader("Set-Cookie", "PHPSESSID=9f8e; path=/")), authSuccess},
		{"test cookie only", get(0, "", formLogin("/enter2", "u", "a", "pwd"), respHeader("Set-Cookie", "wordpress_test_cookie=WP%20Cookie%20check")), authPending},
		{"429 says nothing", get(0, "", login("a"), status(429)), authNone},
	}
	for _, c := range cases {
		at, ok := tr.authOf(c.x)
		if !ok {
			at.out = authNone
		}
		if at.out != c.want {
			t.Errorf("%s: outcome %d, want %d", c.name, at.out, c.want)
		}
	}
	if _, ok := tr.authOf(get(0, "/products")); ok {
		t.Error("a GET of a page counted as a login")
	}
	if r := tr.loginReason(get(0, "/private", func(x *engine.Exchange) { setHeader(x, "Authorization", "Basic YTpi") })); r != "Basic credentials" {
		t.Errorf("Basic credentials: reason %q", r)
	}
}

// TestMistypeBehindAnAttacker checks that a person who mistypes once from
// the address of a credential stuffer (a shared NAT, or a demo run without
// forwarded addresses) is not an account takeover, while the stuffer's own
// lucky guess from that address still is.
func TestMistypeBehindAnAttacker(t *testing.T) {
	const nat, stufferUA = "192.0.2.80", "python-requests/2.32.3"
	steps := in("stuffer", spaced(30, 200*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
		return get(at, "", login("u"+strconv.Itoa(i)), status(401), from(nat), ua(stufferUA))
	})...)
	steps = append(steps, in("shopper",
		get(7*time.Second, "", login("carol"), status(401), from(nat)),
		get(9*time.Second, "", login("carol"), from(nat), respHeader("Set-Cookie", "sid=c4r0l; HttpOnly")),
		get(12*time.Second, "/products", from(nat)), get(15*time.Second, "/cart", from(nat)), get(19*time.Second, "/checkout", from(nat)),
	)...)
	steps = append(steps, in("lucky", get(20*time.Second, "", login("u99"), from(nat), ua(stufferUA), respHeader("Set-Cookie", "sid=l0cky")))...)
	tr, sessions := run(t, DefaultConfig(), steps)
	for _, id := range []string{"shopper", "lucky"} {
		tr.Refresh(sessions[id])
	}
	if s := sessions["shopper"]; len(s.Abuse) > 0 {
		t.Errorf("shopper behind the stuffer's address drew %s", explainAll(s.Abuse))
	}
	if v := verdictOf(sessions["lucky"], engine.AbuseAccountTakeover); v == nil || v.Evidence != 30 {
		t.Errorf("the stuffer's lucky guess: %s, want account_takeover on the 30 failures from its address", explainAll(sessions["lucky"].Abuse))
	}
}

// FuzzLoginOutcome feeds arbitrary request and response bodies, content
// types, statuses and redirects to login recognition and outcome
// inference: nothing may panic, and a fingerprint must not depend on more
// than the first maxFingerprint bytes.
func FuzzLoginOutcome(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "user=a&pwd=b", 200, "", `<html><form><input name="p"></form></html>`)
	f.Add("application/json", `{"login":{"password":"x"}}`, 302, "/login?error=1", `{"token":"t"}`)
	f.Add("", "passwd=", 303, "%zz", `"a":"b"`)
	f.Fuzz(func(t *testing.T, contentType, reqBody string, code int, location, respBody string) {
		tr, err := NewTracker(DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		x := get(0, "/any/path", func(x *engine.Exchange) {
			x.Method = "POST"
			x.Status = code
			x.ReqBody = engine.Body{Data: []byte(reqBody), Size: int64(len(reqBody))}
			x.RespBody = engine.Body{Data: []byte(respBody), Size: int64(len(respBody))}
			setHeader(x, "Content-Type", contentType)
		}, respHeader("Location", location))
		for range 6 {
			tr.authOf(x)
		}
		fp, _ := bodyFingerprint([]byte(respBody))
		if long := respBody + strings.Repeat("<x>", maxFingerprint); len(respBody) >= maxFingerprint {
			if fp2, _ := bodyFingerprint([]byte(long)); fp2 != fp {
				t.Fatal("fingerprint read past maxFingerprint")
			}
		}
	})
}

// TestSuccessesAlikeAreNoFailureShape checks that an endpoint that refuses
// with 401 does not take its many identical successes (200, a session
// cookie, the same size) for its failure shape.
func TestSuccessesAlikeAreNoFailureShape(t *testing.T) {
	var steps []step
	for i := range 20 {
		at := time.Duration(i) * 10 * time.Second
		steps = append(steps, in("p"+strconv.Itoa(i),
			get(at, "", login("user"+strconv.Itoa(i)), status(401), from("203.0.113."+strconv.Itoa(i))),
			get(at+2*time.Second, "", login("user"+strconv.Itoa(i)), respBytes(399), respHeader("Set-Cookie", "sid=s"+strconv.Itoa(i)), from("203.0.113."+strconv.Itoa(i))),
		)...)
	}
	tr, sessions := run(t, DefaultConfig(), steps)
	for id, s := range sessions {
		tr.Refresh(s)
		if len(s.Abuse) > 0 {
			t.Errorf("%s drew %s", id, explainAll(s.Abuse))
		}
		if ss := tr.sessions[id]; ss.auth.attempts != 1 {
			t.Errorf("%s: %d attempts that did not succeed, want the one 401", id, ss.auth.attempts)
		}
	}
}
