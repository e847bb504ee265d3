package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/export"
)

// rulesUpstream is an API that counts the requests it was asked, by
// X-User and path.
type rulesUpstream struct {
	mu   sync.Mutex
	seen map[string]int
}

func (u *rulesUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.seen[r.Header.Get("X-User")+" "+r.URL.Path]++
	u.mu.Unlock()
	io.WriteString(w, `{"ok":true}`)
}

func (u *rulesUpstream) count(key string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.seen[key]
}

// rulesClient sends requests through the proxy as a client behind the
// trusted load balancer (127.0.0.1): its X-Forwarded-For names a public
// address, which rules may block.
type rulesClient struct {
	t    *testing.T
	base string
}

func (c rulesClient) get(user, ip, target string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.base+target, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("X-User", user)
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func writeRules(t *testing.T, path, yaml string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestRulesThroughTheProxy is Must show 1 of issue 19, through the real
// binary on loopback: a block by user stops that user's requests within a
// second of the rules file being saved (403, recorded with blocked_by)
// and leaves another user and a loopback client untouched; a virtual
// patch blocks only the attack requests of its endpoint; a mute keeps its
// tag on the request, marked muted, out of the counts and the attack:
// filter.
func TestRulesThroughTheProxy(t *testing.T) {
	up := &rulesUpstream{seen: map[string]int{}}
	srv := httptest.NewServer(up)
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "spoor.yaml")
	if err := os.WriteFile(cfg, []byte("context:\n  - {point: req.header.X-User, type: user}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rulesFile := filepath.Join(dir, "rules.yaml")
	writeRules(t, rulesFile, "rules: []\n")
	p := startProxyArgs(t, srv.URL, "--config", cfg, "--rules", rulesFile, "--trust-forwarded", "127.0.0.1")
	c := rulesClient{t: t, base: "http://" + p.addr}

	if code, _ := c.get("mallory", "198.51.100.66", "/account"); code != 200 {
		t.Fatalf("mallory before the rule: %d", code)
	}
	writeRules(t, rulesFile, "rules:\n  - {id: block-mallory, action: block, filter: 'user:mallory'}\n")
	saved := time.Now()
	var code int
	var body string
	for time.Since(saved) < time.Second {
		if code, body = c.get("mallory", "198.51.100.66", "/account"); code == http.StatusForbidden {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != http.StatusForbidden || !strings.Contains(body, "block-mallory") {
		t.Fatalf("mallory a second after the rule was saved: %d %q, want 403 by block-mallory", code, body)
	}
	forwarded := up.count("mallory /account")
	if code, _ := c.get("mallory", "198.51.100.66", "/orders"); code != http.StatusForbidden {
		t.Fatalf("mallory's next request: %d, want 403", code)
	}
	if code, _ := c.get("alice", "198.51.100.7", "/account"); code != 200 {
		t.Fatalf("alice: %d, want 200", code)
	}
	if code, _ := c.get("mallory", "", "/local"); code != 200 {
		t.Fatalf("mallory from loopback, exempt by default: %d, want 200", code)
	}
	if up.count("mallory /orders") != 0 || up.count("mallory /account") != forwarded {
		t.Fatal("the upstream saw a blocked request")
	}

	writeRules(t, rulesFile, `rules:
  - {id: block-mallory, action: block, filter: 'user:mallory'}
  - {id: patch-search, action: virtual_patch, filter: 'endpoint:/search', attack: sqli}
  - {id: fp-comments, action: mute, filter: 'path:/comments', attack: xss}
`)
	sqli := "?q=" + url.QueryEscape("1' OR '1'='1")
	waitFor(t, 2*time.Second, func() bool {
		code, _ := c.get("bob", "198.51.100.8", "/search"+sqli)
		return code == http.StatusForbidden
	})
	before := up.count("bob /search") // attacks sent before the patch applied went through
	if code, _ := c.get("bob", "198.51.100.8", "/search"+sqli); code != http.StatusForbidden {
		t.Fatalf("sqli on /search once patched: %d, want 403", code)
	}
	if code, _ := c.get("bob", "198.51.100.8", "/search?q=shoes"); code != 200 {
		t.Fatalf("a clean search: %d, want 200", code)
	}
	if code, _ := c.get("bob", "198.51.100.8", "/products"+sqli); code != 200 {
		t.Fatalf("sqli on another endpoint: %d, want 200 (only /search is patched)", code)
	}
	if got := up.count("bob /search") - before; got != 1 {
		t.Fatalf("the upstream saw %d searches once patched, want only the clean one", got)
	}
	xss := "?text=" + url.QueryEscape("<script>alert(1)</script>")
	if code, _ := c.get("carol", "198.51.100.9", "/comments"+xss); code != 200 {
		t.Fatalf("a muted tag blocks nothing: %d", code)
	}
	if code, _ := c.get("carol", "198.51.100.9", "/profile"+xss); code != 200 {
		t.Fatalf("xss elsewhere: %d", code)
	}
	p.stop(t)

	var blocked []export.RequestJSON
	out, stderr, code := spoor(t, 30*time.Second, "requests", "--db", p.db, "--filter", "blocked:any", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &blocked) != nil {
		t.Fatalf("requests --filter blocked:any: %d %s", code, stderr)
	}
	byRule := map[string]int{}
	for _, r := range blocked {
		byRule[r.BlockedBy+" "+r.Path]++
		if r.Status != http.StatusForbidden {
			t.Errorf("blocked request %s answered %d", r.Path, r.Status)
		}
	}
	if byRule["block-mallory /orders"] != 1 || byRule["patch-search /search"] != 2 || len(blocked) != byRule["block-mallory /account"]+3 {
		t.Fatalf("blocked requests by rule and path: %v", byRule)
	}

	var xssReqs []export.RequestJSON
	out, stderr, code = spoor(t, 30*time.Second, "requests", "--db", p.db, "--filter", "attack:xss", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &xssReqs) != nil {
		t.Fatalf("requests --filter attack:xss: %d %s", code, stderr)
	}
	if len(xssReqs) != 1 || xssReqs[0].Path != "/profile" {
		t.Fatalf("attack:xss lists %+v, want only /profile (the /comments tag is muted)", xssReqs)
	}
	var comments []export.RequestJSON
	out, _, _ = spoor(t, 30*time.Second, "requests", "--db", p.db, "--filter", "path:/comments", "--json")
	if json.Unmarshal([]byte(out), &comments) != nil || len(comments) != 1 {
		t.Fatalf("requests to /comments: %s", out)
	}
	muted := false
	for _, a := range comments[0].Attacks {
		muted = muted || a.Type == "xss" && a.MutedBy == "fp-comments"
	}
	if !muted {
		t.Fatalf("the /comments request's tags %+v, want xss kept and muted by fp-comments", comments[0].Attacks)
	}
	var sessions []export.SessionJSON
	out, _, _ = spoor(t, 30*time.Second, "sessions", "--db", p.db, "--filter", "user:carol", "--json")
	if json.Unmarshal([]byte(out), &sessions) != nil || len(sessions) != 1 {
		t.Fatalf("carol's sessions: %s", out)
	}
	if sessions[0].Attacks["xss"] != 1 {
		t.Fatalf("carol's attacks %v, want one xss: /profile's, not the muted /comments tag", sessions[0].Attacks)
	}
}
