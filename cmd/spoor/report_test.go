package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// demoPasswords are the demo accounts' passwords (demo/auth.go): public on
// purpose, and never to be found in a store or a report.
var demoPasswords = []string{
	"admin-demo-2026", "alice-wonder-1", "bob-builder-2", "carol-singer-3",
	"dave-diver-4", "erin-runner-5", "frank-baker-6", "mallory-maker-7",
}

// TestReportOfTheDemo runs the demo through the real proxy and workstation
// (spoor demo --no-tui --for 10s), writes the report of the sqlmap
// attacker's session with spoor report, opens it in headless Chromium, and
// checks that no clear credential of the demo reaches a report.
func TestReportOfTheDemo(t *testing.T) {
	chrome := chromium(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if _, stderr, code := spoor(t, 60*time.Second, "demo", "--no-tui", "--for", "10s", "--db", db); code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	attacker := attackerSession(t, db)
	htmlPath := filepath.Join(dir, "attacker.html")
	if _, stderr, code := spoor(t, 30*time.Second, "report", "--db", db, "--session", attacker.ID, "-o", htmlPath); code != 0 {
		t.Fatalf("report exited %d: %s", code, stderr)
	}
	if info, err := os.Stat(htmlPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("report file: %v, mode %v; want 0600", err, info.Mode())
	}

	t.Run("chromium", func(t *testing.T) { checkInChromium(t, chrome, db, attacker, htmlPath) })
	t.Run("no clear credential", func(t *testing.T) { checkNoCredential(t, db, dir, attacker.ID) })
	t.Run("errors", func(t *testing.T) { checkReportErrors(t, db, dir) })
}

// checkReportErrors: a mistake is one line on stderr, nothing on stdout
// and no file; exit 1 for what the store lacks, 2 for the command line.
func checkReportErrors(t *testing.T, db, dir string) {
	out := filepath.Join(dir, "never.html")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--session", "0000deadbeef-1", "-o", out}, exitFailure, "no session 0000deadbeef-1 in " + db},
		{[]string{"--filter", "status:abc", "-o", out}, exitUsage, "invalid filter at column"},
		{[]string{"--filter", "ip:203.0.113.254"}, exitFailure, `no session matches the filter "ip:203.0.113.254"`},
		{[]string{"--session", "x", "--format", "pdf"}, exitUsage, `invalid --format "pdf": want html or md`},
		{nil, exitUsage, "--session or --filter is required"},
	} {
		stdout, stderr, code := spoor(t, 10*time.Second, append([]string{"report", "--db", db}, tc.args...)...)
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if code != tc.code || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || stdout != "" {
			t.Errorf("report %v: exit %d, stderr %q, stdout %d bytes; want exit %d and one line naming %q", tc.args, code, stderr, len(stdout), tc.code, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed report left %s", out)
	}
}

// chromium finds the browser, or fails saying how to install it: a check
// that skips when its tool is missing proves nothing.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium is needed to open the report: apt-get install -y chromium (.ci/run installs it)")
	return ""
}

// attackerSession is the demo scanner's main session.
func attackerSession(t *testing.T, db string) sessionJSON {
	t.Helper()
	out, stderr, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json", "--filter", "ip:192.0.2.66", "--sort", "requests")
	if code != 0 {
		t.Fatalf("sessions exited %d: %s", code, stderr)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil || len(sessions) == 0 {
		t.Fatalf("no session of the demo's attacker (192.0.2.66): %v %s", err, out)
	}
	if s := sessions[0]; len(s.UserAgents) == 0 || !strings.HasPrefix(s.UserAgents[0], "sqlmap/") || len(s.Attacks) == 0 {
		t.Fatalf("attacker session %+v: want sqlmap's, with attack tags", s)
	}
	return sessions[0]
}

type reportedRequest struct {
	ID      uint64 `json:"id"`
	Path    string `json:"path"`
	Attacks []struct {
		Type  string `json:"type"`
		Point string `json:"point"`
		Rule  string `json:"rule"`
	} `json:"attacks"`
}

// browserReport is what the browser made of the report.
type browserReport struct {
	text        string
	scripts     int
	xssMarker   string
	screenshot  []byte
	requests    []string // the URL of every request the page made
	failed      []string // requests that failed, with why
	dialogs     []string // alert(), confirm() ... a script would open
	controlMark string   // window.__xss on a page that does run a script
}

func checkInChromium(t *testing.T, chrome, db string, attacker sessionJSON, htmlPath string) {
	out, stderr, code := spoor(t, 10*time.Second, "requests", "--db", db, "--session", attacker.ID, "--json")
	if code != 0 {
		t.Fatalf("requests exited %d: %s", code, stderr)
	}
	var reqs []reportedRequest
	if err := json.Unmarshal([]byte(out), &reqs); err != nil || len(reqs) != attacker.Requests {
		t.Fatalf("requests of %s: %d (%v), want %d", attacker.ID, len(reqs), err, attacker.Requests)
	}
	control := filepath.Join(filepath.Dir(htmlPath), "control.html")
	if err := os.WriteFile(control, []byte(`<!DOCTYPE html><title>control</title><script>window.__xss = "ran"</script>`), 0o600); err != nil {
		t.Fatal(err)
	}
	got := openInChromium(t, chrome, htmlPath, control)

	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, got.screenshot, 0o600); err != nil {
		t.Fatal(err)
	}
	if len(got.screenshot) < 1000 || !bytes.HasPrefix(got.screenshot, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot %s: %d bytes, want a PNG", shot, len(got.screenshot))
	}
	if len(got.requests) != 1 || !strings.HasPrefix(got.requests[0], "file://") {
		t.Errorf("the page made requests %q: want the document alone", got.requests)
	}
	if len(got.failed) > 0 {
		t.Errorf("failed requests: %q", got.failed)
	}
	// The control page shows that a script would have been caught.
	if got.controlMark != "ran" {
		t.Fatalf("control page: window.__xss = %q, want \"ran\": the check cannot see a script run", got.controlMark)
	}
	if got.scripts != 0 || got.xssMarker != "undefined" || len(got.dialogs) > 0 {
		t.Errorf("a script ran: %d <script> elements, typeof window.__xss %s, dialogs %q", got.scripts, got.xssMarker, got.dialogs)
	}
	text := got.text
	normal := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	flat := normal(text)
	for _, payload := range []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(document.cookie)>`} {
		if !strings.Contains(text, payload) {
			t.Errorf("the page text lacks the demo's XSS payload %q as text", payload)
		}
	}
	if !strings.Contains(text, attacker.ID) {
		t.Errorf("the page text lacks the session id %s", attacker.ID)
	}
	tags := 0
	for _, r := range reqs {
		if !strings.Contains(flat, normal(r.Path)) {
			t.Errorf("the page text lacks request %d's path %q", r.ID, r.Path)
		}
		for _, a := range r.Attacks {
			tags++
			for _, s := range []string{a.Type, a.Point, a.Rule} {
				if !strings.Contains(text, s) {
					t.Errorf("the page text lacks %q of request %d's tag %+v", s, r.ID, a)
				}
			}
		}
	}
	if tags == 0 {
		t.Fatal("the attacker's requests carry no tags")
	}
	t.Logf("report of %s: %d requests, %d tags, %d bytes of text; screenshot %d bytes", attacker.ID, len(reqs), tags, len(text), len(got.screenshot))
}

// openInChromium loads the report (and the control page) in headless
// Chromium and reads what a reader would see.
func openInChromium(t *testing.T, chrome, report, control string) browserReport {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.DisableGPU, chromedp.WindowSize(1280, 1600))
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root with its sandbox; CI runs as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	var mu sync.Mutex
	var got browserReport
	if err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			got.requests = append(got.requests, ev.Request.URL)
		case *network.EventLoadingFailed:
			got.failed = append(got.failed, string(ev.Type)+" "+ev.ErrorText+" "+ev.BlockedReason.String())
		case *page.EventJavascriptDialogOpening:
			got.dialogs = append(got.dialogs, ev.Message)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+report)); err != nil {
		t.Fatalf("open the report: %v", err)
	}
	var err error
	if got.text, err = chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		t.Fatal(err)
	}
	if got.scripts, err = chromedp.Run(bctx, chromedp.Evaluate[int](`document.getElementsByTagName("script").length`)); err != nil {
		t.Fatal(err)
	}
	if got.xssMarker, err = chromedp.Run(bctx, chromedp.Evaluate[string](`typeof window.__xss`)); err != nil {
		t.Fatal(err)
	}
	if got.screenshot, err = chromedp.Run(bctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	// Idle network events may still be on their way; the page is done.
	mu.Lock()
	res := got
	res.requests, res.failed, res.dialogs = slices.Clone(got.requests), slices.Clone(got.failed), slices.Clone(got.dialogs)
	mu.Unlock()

	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+control)); err != nil {
		t.Fatalf("open the control page: %v", err)
	}
	if res.controlMark, err = chromedp.Run(bctx, chromedp.Evaluate[string](`String(window.__xss)`)); err != nil {
		t.Fatal(err)
	}
	return res
}

// checkNoCredential renders the attacker's report and one of every demo
// session, in HTML and Markdown, and looks for the demo's credentials in
// the clear: the accounts' passwords, the signature of a bearer token, the
// value of a sid cookie. The login bodies are in the reports, hashed.
func checkNoCredential(t *testing.T, db, dir, attackerID string) {
	type rendered struct{ name, text string }
	var reports []rendered
	for _, args := range [][]string{
		{"--session", attackerID, "--format", "html"},
		{"--session", attackerID, "--format", "md"},
		{"--filter", "since:24h", "--format", "html"},
		{"--filter", "since:24h", "--format", "md"},
	} {
		out, stderr, code := spoor(t, 60*time.Second, append([]string{"report", "--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("report %v exited %d: %s", args, code, stderr)
		}
		name := strings.Join(args, " ")
		reports = append(reports, rendered{name, out}, rendered{name + " (unescaped)", html.UnescapeString(out)})
	}
	all := reports[5].text
	if !strings.Contains(all, `"password":"hmac:`) {
		t.Fatalf("the report of every session holds no hashed login body: the check below would prove nothing")
	}
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_:-]+`)
	sid := regexp.MustCompile(`\bsid=([^;\s"'&<>\x60|]+)`)
	for _, r := range reports {
		for _, p := range demoPasswords {
			if strings.Contains(r.text, p) {
				t.Errorf("report %s holds the demo password %q", r.name, p)
			}
		}
		tokens := jwt.FindAllString(r.text, -1)
		for _, tok := range tokens {
			if sig := strings.SplitN(tok, ".", 3)[2]; !strings.HasPrefix(sig, "hmac:") {
				t.Errorf("report %s holds a bearer token with its signature in the clear: %.60s…", r.name, tok)
				break
			}
		}
		sids := sid.FindAllStringSubmatch(r.text, -1)
		for _, m := range sids {
			if !strings.HasPrefix(m[1], "hmac:") {
				t.Errorf("report %s holds a sid cookie in the clear: %q", r.name, m[0])
				break
			}
		}
		t.Logf("%s: %d bytes, %d bearer tokens and %d sid cookies, all hashed", r.name, len(r.text), len(tokens), len(sids))
	}
}
