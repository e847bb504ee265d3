package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// cmsLog writes, deterministically, three days of a CMS's access log in
// combined format: an address brute forcing the Joomla administrator login
// in bursts of 250 POSTs in 40 s every six hours, each answered 200 with
// the same 4,512 bytes; forty ordinary visitors reading articles, some of
// them administrators who log in (one mistyping first); and Googlebot,
// bingbot and Baiduspider crawling. It returns the attacker's, the
// visitors' and the crawlers' addresses.
func cmsLog(t *testing.T, path string) (attacker string, visitors, crawlers []string) {
	t.Helper()
	type line struct {
		at   time.Time
		text string
	}
	var lines []line
	add := func(at time.Time, ip, method, target string, status, size int, ua string) {
		lines = append(lines, line{at, fmt.Sprintf("%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" %q",
			ip, at.Format("02/Jan/2006:15:04:05 -0700"), method, target, status, size, ua)})
	}
	rng := rand.New(rand.NewPCG(16, 16))
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	const days = 3

	attacker = "203.0.113.66"
	const attackUA = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1"
	for burst := start.Add(90 * time.Minute); burst.Before(start.Add(days * 24 * time.Hour)); burst = burst.Add(6 * time.Hour) {
		add(burst, attacker, "GET", "/administrator/index.php", 200, 4512, attackUA)
		for i := range 250 {
			add(burst.Add(time.Second+time.Duration(i)*160*time.Millisecond), attacker, "POST", "/administrator/index.php", 200, 4512, attackUA)
		}
	}

	browsers := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	}
	for v := range 40 {
		ip := fmt.Sprintf("198.51.100.%d", 10+v)
		visitors = append(visitors, ip)
		ua := browsers[v%len(browsers)]
		for visit := range 2 + rng.IntN(3) {
			at := start.Add(time.Duration(visit)*20*time.Hour + time.Duration(rng.Int64N(int64(18*time.Hour))))
			page := func(target string, size int) {
				add(at, ip, "GET", target, 200, size, ua)
				for _, asset := range []string{"/templates/site/css/template.css", "/media/jui/js/jquery.min.js", "/images/logo.png"} {
					add(at, ip, "GET", asset, 200, 9000+len(asset), ua)
				}
				at = at.Add(5*time.Second + time.Duration(rng.Int64N(int64(40*time.Second))))
			}
			page("/", 18211)
			for range 1 + rng.IntN(5) {
				page(fmt.Sprintf("/index.php/articles/%d", 1+rng.IntN(300)), 14000+rng.IntN(4000))
			}
			if v%8 == 0 && visit == 0 {
				// An administrator logs in: the form, a POST answered 303,
				// the dashboard. Visitor 0 mistypes first, and gets the
				// form again as the attacker does.
				add(at, ip, "GET", "/administrator/index.php", 200, 4512, ua)
				at = at.Add(9 * time.Second)
				if v == 0 {
					add(at, ip, "POST", "/administrator/index.php", 200, 4512, ua)
					at = at.Add(7 * time.Second)
				}
				add(at, ip, "POST", "/administrator/index.php", 303, 0, ua)
				add(at.Add(time.Second), ip, "GET", "/administrator/index.php", 200, 23184, ua)
				at = at.Add(40 * time.Second)
				add(at, ip, "GET", "/administrator/index.php?option=com_content", 200, 31822, ua)
			}
		}
	}

	for _, c := range []struct{ ip, ua string }{
		{"66.249.66.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"157.55.39.10", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
		{"180.76.15.20", "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"},
	} {
		crawlers = append(crawlers, c.ip)
		for visit := start.Add(time.Duration(rng.Int64N(int64(time.Hour)))); visit.Before(start.Add(days * 24 * time.Hour)); visit = visit.Add(3 * time.Hour) {
			add(visit, c.ip, "GET", "/robots.txt", 200, 312, c.ua)
			for i := range 7 {
				add(visit.Add(time.Duration(i+1)*11*time.Second), c.ip, "GET", fmt.Sprintf("/index.php/articles/%d", 1+rng.IntN(300)), 200, 15000+rng.IntN(3000), c.ua)
			}
		}
	}

	slices.SortStableFunc(lines, func(a, b line) int { return a.at.Compare(b.at) })
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l.text)
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return attacker, visitors, crawlers
}

// importedSessions imports files with spoor import into a new store and
// returns its sessions as spoor sessions --json prints them.
func importedSessions(t *testing.T, files ...string) []sessionJSON {
	t.Helper()
	db := filepath.Join(t.TempDir(), "import.db")
	if _, errOut, code := spoor(t, 2*time.Minute, append([]string{"import", "--db", db}, files...)...); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	return storedSessions(t, db)
}

func storedSessions(t *testing.T, db string) []sessionJSON {
	t.Helper()
	out, errOut, code := spoor(t, time.Minute, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sessions: %s", errOut)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil {
		t.Fatal(err)
	}
	return sessions
}

func findVerdict(s sessionJSON, typ string) *engine.Verdict {
	for i := range s.Abuse {
		if s.Abuse[i].Type == typ {
			return &s.Abuse[i]
		}
	}
	return nil
}

// TestImportAdminBruteForce imports the CMS log through spoor import: the
// attacker's bursts are brute force from log evidence alone, no ordinary
// visitor draws a verdict, and the search engines are declared crawlers.
func TestImportAdminBruteForce(t *testing.T) {
	log := filepath.Join(t.TempDir(), "access.log")
	attacker, visitors, crawlers := cmsLog(t, log)
	sessions := importedSessions(t, log)

	bursts := 0
	for _, s := range sessions {
		ip := strings.Join(s.IPs, ",")
		switch {
		case ip == attacker:
			v := findVerdict(s, engine.AbuseBruteForce)
			if v == nil {
				t.Errorf("attacker session %s (%d requests): verdicts %v, want brute_force", s.ID, s.Requests, verdictTypes(s))
				continue
			}
			bursts++
			if v.Evidence < 250 {
				t.Errorf("attacker session %s: evidence %d, want the burst's 250 failures", s.ID, v.Evidence)
			}
			explain := v.Detectors[0].Explain
			for _, want := range []string{
				"login attempts on POST /administrator/index.php (Joomla administrator login",
				"answered 200 with 4,512 bytes (the failure shape of this endpoint",
				"user names not visible", "evidence from the access log alone",
			} {
				if !strings.Contains(explain, want) {
					t.Errorf("attacker session %s: explanation lacks %q: %s", s.ID, want, explain)
				}
			}
		case slices.Contains(visitors, ip):
			if len(s.Abuse) > 0 {
				t.Errorf("visitor session %s (%s, %d requests) drew %v: %+v", s.ID, ip, s.Requests, verdictTypes(s), s.Abuse)
			}
		case slices.Contains(crawlers, ip):
			if len(s.Abuse) != 1 || s.Abuse[0].Type != engine.AbuseDeclaredCrawler {
				t.Errorf("crawler session %s (%s, %d requests): verdicts %v, want declared_crawler alone", s.ID, ip, s.Requests, verdictTypes(s))
			}
		default:
			t.Errorf("session %s from unknown address %s", s.ID, ip)
		}
	}
	if bursts != 12 {
		t.Errorf("%d attacker sessions with brute_force, want one per burst, 12", bursts)
	}
}

// failPage is the form login's answer to wrong credentials.
const failPage = "<html><head><title>Sign on</title></head><body><p class=error>bad credentials</p>" +
	"<form method=post action=/account/signon><input name=username><input type=password name=password>" +
	"<button>Sign on</button></form></body></html>"

// formOrigin is a web login that answers a wrong password as most do:
// 200 and the same "bad credentials" page. The right one sets a session
// cookie and redirects to /home.
func formOrigin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/account/signon" {
			fmt.Fprint(w, "<html><body>home</body></html>")
			return
		}
		if r.PostFormValue("username") == "admin" && r.PostFormValue("password") == "correct horse battery staple" {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s-8f2c1e", HttpOnly: true})
			http.Redirect(w, r, "/home", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, failPage)
	})
}

// hydraBin returns hydra's path; a missing hydra fails the test, since
// .ci/run installs Debian's hydra package.
func hydraBin(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("hydra")
	if err != nil {
		t.Fatalf("hydra not found (.ci/run installs the Debian package hydra): %v", err)
	}
	return path
}

// writeLines writes a word list.
func writeLines(t *testing.T, path string, words []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHydraFormLogin drives THC Hydra's http-post-form through the real
// proxy against a login that answers 200 "bad credentials": with one user
// name its session is brute force, with many credential stuffing, and
// each explanation says what it rests on.
func TestHydraFormLogin(t *testing.T) {
	hydra := hydraBin(t)
	passwords := make([]string, 30)
	users := make([]string, 30)
	for i := range passwords {
		passwords[i] = fmt.Sprintf("guess-%02d", i)
		users[i] = fmt.Sprintf("user%02d@example.com", i)
	}
	for _, tt := range []struct {
		name    string
		args    func(dir string) []string
		want    string
		explain []string
	}{
		{"one user name", func(dir string) []string {
			writeLines(t, filepath.Join(dir, "passwords.txt"), passwords)
			return []string{"-l", "admin", "-P", filepath.Join(dir, "passwords.txt")}
		}, engine.AbuseBruteForce, []string{"1 user name tried (hashed)"}},
		{"many user names", func(dir string) []string {
			writeLines(t, filepath.Join(dir, "users.txt"), users)
			return []string{"-L", filepath.Join(dir, "users.txt"), "-p", "Summer2026!"}
		}, engine.AbuseCredentialStuffing, []string{"30 user names tried (hashed)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			origin := httptest.NewServer(formOrigin())
			defer origin.Close()
			dir := t.TempDir()
			db := filepath.Join(dir, "capture.db")
			addr := freePort(t)
			proxy := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", origin.URL, "--listen", addr, "--db", db)
			var proxyErr bytes.Buffer
			proxy.Stderr = &proxyErr
			if err := proxy.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { proxy.Process.Kill() })
			waitListening(t, addr)

			host, port, _ := strings.Cut(addr, ":")
			args := append(tt.args(dir), "-t", "4", "-I", "-s", port, host,
				"http-post-form", "/account/signon:username=^USER^&password=^PASS^:F=bad credentials")
			hydraCmd := exec.Command(hydra, args...)
			hydraCmd.Dir = dir // hydra.restore goes here
			out, err := hydraCmd.CombinedOutput()
			if err != nil {
				t.Fatalf("hydra %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if !strings.Contains(string(out), "0 valid password") {
				t.Fatalf("hydra found a password it should not have:\n%s", out)
			}
			if err := proxy.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if err := proxy.Wait(); err != nil {
				t.Fatalf("proxy exited with %v: %s", err, proxyErr.String())
			}

			var got *engine.Verdict
			for _, s := range storedSessions(t, db) {
				if v := findVerdict(s, tt.want); v != nil {
					got = v
					t.Logf("session %s, %d requests: %v", s.ID, s.Requests, verdictTypes(s))
				}
			}
			if got == nil {
				t.Fatalf("no session with %s; hydra said:\n%s", tt.want, out)
			}
			if got.Evidence != 30 {
				t.Errorf("%s evidence %d, want hydra's 30 attempts", tt.want, got.Evidence)
			}
			var explain string
			for _, d := range got.Detectors {
				if d.Name == "failed_logins" {
					explain = d.Explain
				}
			}
			for _, want := range append([]string{
				"30 login attempts on POST /account/signon (a password field (password))",
				fmt.Sprintf("30 failed: 30 answered 200 with %d bytes", len(failPage)),
				"(the failure shape of this endpoint",
			}, tt.explain...) {
				if !strings.Contains(explain, want) {
					t.Errorf("explanation lacks %q: %s", want, explain)
				}
			}
		})
	}
}

// TestLoginsCommand checks spoor logins: the built-ins with their reasons,
// then the configuration's, and one clear error line for a bad pattern.
func TestLoginsCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "spoor.yaml")
	if err := os.WriteFile(cfg, []byte("logins:\n  - {match: \"POST /portal/enter\", reason: our portal}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := spoor(t, 10*time.Second, "logins", "--config", cfg)
	if code != 0 {
		t.Fatalf("logins: %s", errOut)
	}
	var rows []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		rows = append(rows, strings.Join(strings.Fields(sc.Text()), " "))
	}
	for _, want := range []string{
		"POST /**/wp-login.php - built-in WordPress login form",
		"POST /**/xmlrpc.php system.multicall built-in WordPress XML-RPC system.multicall",
		"POST /**/administrator/index.php - built-in Joomla administrator login",
		"POST /**/j_security_check - built-in Java EE form login",
		"POST /portal/enter - config our portal",
	} {
		if !slices.ContainsFunc(rows, func(r string) bool { return strings.Contains(r, want) }) {
			t.Errorf("logins lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("logins:\n  - {match: \"POST portal\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = spoor(t, 10*time.Second, "logins", "--config", bad)
	if code == 0 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "bad.yaml:2") {
		t.Errorf("bad pattern: exit %d, stderr %q; want one line naming bad.yaml:2", code, errOut)
	}
}
