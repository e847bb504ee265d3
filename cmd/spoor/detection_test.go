package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNoDetect sends the same attack through a real spoor proxy with and
// without --no-detect: with the flag the exchange is stored, in its
// session, without a tag; without it, it is tagged. The summary line says
// which.
func TestNoDetect(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"items":[]}`)
	}))
	defer upstream.Close()
	for _, tt := range []struct {
		name    string
		flags   []string
		tagged  bool
		summary string
	}{
		{"tagging", nil, true, "attack checks: tier 1 2,"},
		{"no-detect", []string{"--no-detect"}, false, "attack checks: off"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "capture.db")
			addr := freePort(t)
			args := append([]string{"proxy", "--no-tui", "--upstream", upstream.URL, "--listen", addr, "--db", db}, tt.flags...)
			cmd := exec.Command(spoorBin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })
			waitListening(t, addr)
			client := &http.Client{Timeout: 5 * time.Second}
			for _, target := range []string{"/items?q=1%27%20UNION%20SELECT%20password%20FROM%20users--", "/items?q=shoes"} {
				resp, err := client.Get("http://" + addr + target)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("spoor exited with %v; stderr: %s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.summary) {
				t.Errorf("summary %q does not say %q", stderr.String(), tt.summary)
			}
			out, errOut, code := spoor(t, 10*time.Second, "requests", "--db", db, "--session", sessionOf(t, db), "--json")
			if code != 0 {
				t.Fatalf("requests: %s", errOut)
			}
			var xs []requestJSON
			if err := json.Unmarshal([]byte(out), &xs); err != nil {
				t.Fatal(err)
			}
			if len(xs) != 2 {
				t.Fatalf("stored %d requests, want 2: %s", len(xs), out)
			}
			for _, x := range xs {
				attack := strings.Contains(x.Query, "UNION")
				if got := len(x.Attacks) > 0; got != (attack && tt.tagged) {
					t.Errorf("%s ?%s: attacks %v", x.Path, x.Query, x.Attacks)
				}
				// examined says which detectors looked: "off" alone with
				// --no-detect, tier 1 always without it.
				if tt.tagged && !slices.Contains(x.Examined, "tier1") || !tt.tagged && !slices.Equal(x.Examined, []string{"off"}) {
					t.Errorf("%s ?%s: examined %q", x.Path, x.Query, x.Examined)
				}
			}
		})
	}
}
