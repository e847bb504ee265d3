package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
)

// burstRequest is one request of the burst: method, path with query,
// body and user agent.
type burstRequest struct {
	method, target, body, ua string
}

// burstMix is the burst's cycle of requests: attacks of several families,
// in the query, the path, a JSON body and a header, some of which tier 1
// tags and the Core Rule Set enriches, and benign requests.
func burstMix() []burstRequest {
	const browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
	return []burstRequest{
		{"GET", "/products/42?page=2", "", browser},
		{"GET", "/search?q=1%27%20OR%20%271%27%3D%271", "", browser},
		{"GET", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "", browser},
		{"GET", "/files/..%2f..%2f..%2fetc%2fpasswd?x=1", "", browser},
		{"POST", "/api/orders", `{"sku":"A-1","qty":2}`, browser},
		{"GET", "/ping?host=127.0.0.1%3Bcat%20%2Fetc%2Fpasswd", "", browser},
		{"POST", "/api/login", `{"user":"admin' OR 1=1 --","password":"x"}`, browser},
		{"GET", "/hello?name=%7B%7B7*7%7D%7D", "", browser},
		{"GET", "/products?sort=price&page=3", "", browser},
		{"GET", "/q?code=%3C%3Fphp%20system(%27id%27)%3B%20%3F%3E", "", browser},
		{"GET", "/", "", "Nikto/2.5.0"},
		{"GET", "/api/users/7/orders", "", browser},
	}
}

// TestBurstExaminedByBothTiers sends a burst of 2,000 attack and benign
// requests through a real spoor proxy as fast as one client can, then waits
// for the catch-up queue: within 30 s of the burst's last answer the proxy
// logs that the queue is empty, every stored request is examined by both
// tiers (none pending, none off), some were checked late, and each
// request's tags equal those an import of the same requests (exported from
// the capture as HAR) gives it with --crs-all, where both tiers examine
// everything at once. Like the crash test it runs a release build: under the race
// detector a Core Rule Set check costs ten times more, and the queue, not
// the design, would set the pace.
func TestBurstExaminedByBothTiers(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer upstream.Close()
	dir := t.TempDir()
	db, logFile := filepath.Join(dir, "burst.db"), filepath.Join(dir, "spoor.log")
	bin := filepath.Join(dir, "spoor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build spoor: %v\n%s", err, out)
	}
	addr := freePort(t)
	proxy := exec.Command(bin, "proxy", "--no-tui", "--upstream", upstream.URL, "--listen", addr, "--db", db, "--log", logFile)
	var stderr bytes.Buffer
	proxy.Stderr = &stderr
	if err := proxy.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			proxy.Process.Kill()
			proxy.Wait()
		}
	})
	waitListening(t, addr)

	const n = 2000
	mix := burstMix()
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range n {
		r := mix[i%len(mix)]
		sep := "?"
		if strings.Contains(r.target, "?") {
			sep = "&"
		}
		req, err := http.NewRequest(r.method, fmt.Sprintf("http://%s%s%sn=%d", addr, r.target, sep, i), strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", r.ua)
		req.Header.Set("Accept", "application/json")
		if r.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	burstEnd := time.Now()
	for {
		if at, ok := drainedAfter(t, logFile, burstEnd); ok {
			t.Logf("the catch-up queue drained %v after the burst's last answer", at.Sub(burstEnd).Round(time.Millisecond))
			break
		}
		if time.Since(burstEnd) > 30*time.Second {
			t.Fatalf("30 s after the burst the catch-up queue has not drained")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := proxy.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if err := proxy.Wait(); err != nil {
		t.Fatalf("spoor exited with %v; stderr: %s", err, stderr.String())
	}
	var tier1, tier2, late, pending, off int
	if _, err := fmt.Sscanf(stderr.String()[strings.Index(stderr.String(), "attack checks:"):],
		"attack checks: tier 1 %d, tier 2 %d (%d of them late), tier 2 pending %d, tier 2 off (queue full) %d",
		&tier1, &tier2, &late, &pending, &off); err != nil {
		t.Fatalf("summary %q: %v", stderr.String(), err)
	}
	t.Logf("tier 1 %d, tier 2 %d (%d late), pending %d, off %d", tier1, tier2, late, pending, off)
	if late == 0 || pending != 0 || off != 0 || tier2 != n {
		t.Errorf("summary %q: want all %d checked by tier 2, some late, none pending or off", stderr.String(), n)
	}

	captured := storedRequests(t, db)
	if len(captured) != n {
		t.Fatalf("stored %d requests, want %d", len(captured), n)
	}
	for _, x := range captured {
		if !slices.Equal(x.Examined, []string{"tier1", "crs"}) {
			t.Fatalf("%s %s?%s: examined %q, want [tier1 crs]", x.Method, x.Path, x.Query, x.Examined)
		}
	}
	// The same requests, imported: export each captured session as HAR,
	// import the files into a new store.
	var files []string
	for _, id := range sessionIDs(t, db) {
		out, errOut, code := spoor(t, 60*time.Second, "export", "--db", db, "--session", id, "--format", "har")
		if code != 0 {
			t.Fatalf("export %s: %s", id, errOut)
		}
		file := filepath.Join(dir, id+".har")
		writeFile(t, file, out)
		files = append(files, file)
	}
	imported := filepath.Join(dir, "imported.db")
	if _, errOut, code := spoor(t, 120*time.Second, append([]string{"import", "--crs-all", "--db", imported}, files...)...); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	want := map[string]string{}
	for _, x := range storedRequests(t, imported) {
		want[x.Method+" "+x.Path+"?"+x.Query] = tagSet(x.Attacks)
	}
	if len(want) != n {
		t.Fatalf("imported %d distinct requests, want %d", len(want), n)
	}
	tagged := 0
	for _, x := range captured {
		key := x.Method + " " + x.Path + "?" + x.Query
		got, ok := want[key]
		if !ok {
			t.Fatalf("%s: not in the import", key)
		}
		if tags := tagSet(x.Attacks); tags != got {
			t.Errorf("%s: captured tags %s, imported %s", key, tags, got)
		}
		if len(x.Attacks) > 0 {
			tagged++
		}
	}
	if tagged == 0 {
		t.Error("no request of the burst was tagged")
	}
}

// storedRequests reads every request of the store at db with spoor
// requests --json.
func storedRequests(t *testing.T, db string) []requestJSON {
	t.Helper()
	out, errOut, code := spoor(t, 60*time.Second, "requests", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("requests: %s", errOut)
	}
	var xs []requestJSON
	if err := json.Unmarshal([]byte(out), &xs); err != nil {
		t.Fatal(err)
	}
	return xs
}

// sessionIDs lists the sessions of the store at db.
func sessionIDs(t *testing.T, db string) []string {
	t.Helper()
	out, errOut, code := spoor(t, 60*time.Second, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sessions: %s", errOut)
	}
	var ss []struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(bytes.NewReader([]byte(out))).Decode(&ss); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	return ids
}

// tagSet spells a request's tags as a sorted list of type, point and rule.
func tagSet(tags []attackJSON) string {
	var out []string
	for _, a := range tags {
		out = append(out, a.Type+" "+a.Point+" "+a.Rule)
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// drainedAfter reports when the proxy's log says the catch-up queue is
// empty, at or after since.
func drainedAfter(t *testing.T, logFile string, since time.Time) (time.Time, bool) {
	t.Helper()
	b, err := os.ReadFile(logFile)
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, `msg="the Core Rule Set's catch-up queue is empty"`) {
			continue
		}
		stamp, _, _ := strings.Cut(strings.TrimPrefix(line, "time="), " ")
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err == nil && !at.Before(since) {
			return at, true
		}
	}
	return time.Time{}, false
}
