package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/demo"
)

// TestConfigThroughProxy puts the real proxy, with a configuration naming a
// user, a role and a hashed parameter, in front of the demo API, logs in as
// a cookie user and as an app user, and checks what the store shows and
// what it must never contain.
func TestConfigThroughProxy(t *testing.T) {
	api := httptest.NewServer(demo.NewAPI(demo.APIOptions{Seed: 1}))
	defer api.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "spoor.yaml")
	cfg := `grouping:
  builtin: true
context:
  - {point: req.json.username, type: user}
  - {point: req.jwt.name, type: user}
  - {point: req.jwt.role, type: role}
  - {point: req.json.password, hash: true}
`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "cfg.db")
	addr := freePort(t)
	proxy := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", api.URL, "--listen", addr, "--db", db, "--config", cfgPath)
	var stderr bytes.Buffer
	proxy.Stderr = &stderr
	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	waitListening(t, addr)
	base := "http://" + addr

	const alicePassword, davePassword = "alice-wonder-1", "dave-diver-4"
	login := func(user, password string) (token, cookie string) {
		t.Helper()
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)
		resp, err := http.Post(base+"/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Token string }
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("login %s: %d %v", user, resp.StatusCode, err)
		}
		for _, c := range resp.Cookies() {
			if c.Name == "sid" {
				cookie = c.Value
			}
		}
		return out.Token, cookie
	}
	get := func(path string, header ...string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	_, aliceSID := login("alice", alicePassword)
	get("/products?page=2", "Cookie", "sid="+aliceSID)
	get("/cart", "Cookie", "sid="+aliceSID)
	daveToken, _ := login("dave", davePassword)
	get("/products?page=3", "Authorization", "Bearer "+daveToken)
	get("/orders/1", "Authorization", "Bearer "+daveToken)

	if err := proxy.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := proxy.Wait(); err != nil {
		t.Fatalf("proxy: %v: %s", err, stderr.String())
	}

	out, errOut, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil {
		t.Fatal(err)
	}
	// The main session of each user: the one holding most requests. A
	// login that returns a token joins the session that token identifies,
	// and the cookie it sets stands for it: each user has one session.
	byUser := map[string]sessionJSON{}
	for _, s := range sessions {
		if s.Requests > byUser[s.User].Requests {
			byUser[s.User] = s
		}
	}
	if s, ok := byUser["alice"]; !ok || s.Requests != 3 || s.KeyPoint != "req.jwt.sub+req.jwt.iss" {
		t.Errorf("alice's session = %+v, want her login and two requests under her cookie, keyed by the token her login returned", s)
	}
	if s, ok := byUser["dave"]; !ok || s.Role != "customer" || s.Requests != 3 {
		t.Errorf("dave's session = %+v, want user dave, role customer, his login and 2 bearer requests", s)
	}

	aliceID := byUser["alice"].ID
	out, errOut, code = spoor(t, 10*time.Second, "requests", "--db", db, "--session", aliceID, "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var reqs []requestJSON
	if err := json.Unmarshal([]byte(out), &reqs); err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 || !strings.HasPrefix(reqs[0].Context["req.json.password"], "hmac:") {
		t.Errorf("login context = %v, want the password as an hmac: hash", reqs[0].Context)
	}
	if strings.Contains(out, alicePassword) {
		t.Error("requests --json prints the clear password")
	}

	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for what, secret := range map[string]string{
		"alice's password": alicePassword, "dave's password": davePassword,
		"alice's session cookie": aliceSID, "dave's JWT signature": daveToken[strings.LastIndexByte(daveToken, '.')+1:],
	} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the store file contains %s in the clear", what)
		}
	}
}

// TestRetentionFromConfig checks which retention a capture applies: the
// configuration's retention: when --retention is not given, the flag's
// when it is, the default when neither says.
func TestRetentionFromConfig(t *testing.T) {
	api := httptest.NewServer(demo.NewAPI(demo.APIOptions{Seed: 1}))
	defer api.Close()
	dir := t.TempDir()
	withRetention := filepath.Join(dir, "keep.yaml")
	if err := os.WriteFile(withRetention, []byte("retention: 90m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	without := filepath.Join(dir, "plain.yaml")
	if err := os.WriteFile(without, []byte("grouping:\n  builtin: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", withRetention}, "keep=1h30m0s"},
		{[]string{"--config", withRetention, "--retention", "0"}, "keep=0s"},
		{[]string{"--config", withRetention, "--retention", "48h"}, "keep=48h0m0s"},
		{[]string{"--config", without}, "keep=168h0m0s"},
	} {
		logPath := filepath.Join(dir, fmt.Sprintf("spoor-%d.log", i))
		args := append([]string{"proxy", "--no-tui", "--for", "300ms", "--upstream", api.URL, "--listen", freePort(t),
			"--db", filepath.Join(dir, fmt.Sprintf("r%d.db", i)), "--log", logPath}, c.args...)
		if out, err := exec.Command(spoorBin, args...).CombinedOutput(); err != nil {
			t.Fatalf("spoor %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		logged, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(logged, []byte("msg=retention "+c.want)) {
			t.Errorf("with %v the capture logged:\n%s\nwant retention %s", c.args, logged, c.want)
		}
	}
}
