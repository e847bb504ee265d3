package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// spoorBin is the binary built once for the tests that run spoor as users
// do: as a child process with flags and signals.
var spoorBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spoor-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	spoorBin = filepath.Join(dir, "spoor")
	build := exec.Command("go", "build", "-race", "-o", spoorBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build spoor:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// spoor runs the binary to completion with a deadline and returns its
// output and exit code.
func spoor(t *testing.T, timeout time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, spoorBin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("spoor %s: still running after %v; stderr: %s", strings.Join(args, " "), timeout, errOut.String())
	}
	code = cmd.ProcessState.ExitCode()
	if err != nil && code == 0 {
		t.Fatalf("spoor %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// freePort returns a loopback address nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestClearErrors(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked.db")
	// Hold the store with a real spoor process, as a user would.
	holderAddr := freePort(t)
	holder := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", "http://127.0.0.1:9", "--listen", holderAddr, "--db", locked)
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	waitListening(t, holderAddr) // the store is open before the proxy listens

	readOnlyDir := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnlyDir, 0o500); err != nil {
		t.Fatal(err)
	}
	unwritable := filepath.Join(readOnlyDir, "sub", "x.db")
	if os.Geteuid() == 0 {
		// Root writes through directory modes; a path under a regular file
		// is unwritable for everyone.
		file := filepath.Join(dir, "file")
		os.WriteFile(file, nil, 0o600)
		unwritable = filepath.Join(file, "x.db")
	}

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	random := filepath.Join(dir, "random.db")
	noise := make([]byte, 16384)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	if err := os.WriteFile(random, noise, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"empty file as db", []string{"sessions", "--db", empty}, exitFailure, "open store " + empty + ": not a spoor store (empty file)"},
		{"random bytes as db", []string{"sessions", "--db", random}, exitFailure, "open store " + random + ": not a spoor store (not a bbolt database file)"},
		{"import into random bytes", []string{"import", "--db", random, filepath.Join("testdata", "access.log")}, exitFailure, "open store " + random + ": not a spoor store (not a bbolt database file)"},
		{"bad upstream", []string{"proxy", "--no-tui", "--upstream", "not a url", "--db", filepath.Join(dir, "a.db")}, exitUsage, "invalid --upstream"},
		{"upstream a word", []string{"proxy", "--no-tui", "--upstream", "notaurl", "--db", filepath.Join(dir, "a.db")}, exitUsage, `invalid --upstream "notaurl": want a URL such as http://`},
		{"upstream without host", []string{"proxy", "--no-tui", "--upstream", "http://", "--db", filepath.Join(dir, "a.db")}, exitUsage, "invalid --upstream"},
		{"upstream not http", []string{"proxy", "--no-tui", "--upstream", "ftp://example.test", "--db", filepath.Join(dir, "b.db")}, exitUsage, "invalid --upstream"},
		{"unknown command", []string{"bogus"}, exitUsage, `unknown command "bogus" for "spoor" (see spoor --help)`},
		{"misspelt command", []string{"sesions", "--db", filepath.Join(dir, "c.db")}, exitUsage, `unknown command "sesions" for "spoor" (did you mean sessions?)`},
		{"missing upstream", []string{"proxy", "--no-tui"}, exitUsage, "--upstream is required"},
		{"unwritable db", []string{"proxy", "--no-tui", "--upstream", "http://127.0.0.1:9", "--listen", freePort(t), "--db", unwritable}, exitFailure, "open store"},
		{"locked db", []string{"proxy", "--no-tui", "--upstream", "http://127.0.0.1:9", "--listen", freePort(t), "--db", locked}, exitFailure, "in use by another spoor"},
		{"unknown flag", []string{"sessions", "--bogus"}, exitUsage, "unknown flag"},
		{"sessions of a missing store", []string{"sessions", "--db", filepath.Join(dir, "none.db")}, exitFailure, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			stdout, stderr, code := spoor(t, 5*time.Second, tt.args...)
			elapsed := time.Since(start)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tt.code, stderr)
			}
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "spoor: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr = %q, want one line naming %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr shows a panic: %s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			// The race-instrumented binary starts slower than a release
			// build; a second of our own plus start-up is the bound.
			if elapsed > 3*time.Second {
				t.Errorf("took %v; errors must come within a second", elapsed)
			}
		})
	}
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	waitFor(t, 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSignalFlushesPendingExchanges sends requests through a real spoor
// proxy, stops it with a signal before a commit interval could pass, and
// checks that every exchange is in the store afterwards.
func TestSignalFlushesPendingExchanges(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
			}))
			defer upstream.Close()
			db := filepath.Join(t.TempDir(), "flush.db")
			addr := freePort(t)
			cmd := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", upstream.URL, "--listen", addr, "--db", db)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// A failure before the signal must not leave the proxy running.
			t.Cleanup(func() { cmd.Process.Kill() })
			waitListening(t, addr)
			const n = 250
			client := &http.Client{Timeout: 5 * time.Second}
			for i := range n {
				resp, err := client.Get(fmt.Sprintf("http://%s/items/%d", addr, i))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("spoor exited with %v; stderr: %s", err, stderr.String())
			}
			out, errOut, code := spoor(t, 10*time.Second, "requests", "--db", db, "--session", sessionOf(t, db), "--ndjson")
			if code != 0 {
				t.Fatalf("requests: %s", errOut)
			}
			if got := strings.Count(out, "\n"); got != n {
				t.Errorf("store holds %d exchanges after %v, want %d", got, sig, n)
			}
		})
	}
}

// sessionOf returns the id of the only session in the store.
func sessionOf(t *testing.T, db string) string {
	t.Helper()
	out, errOut, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sessions: %s", errOut)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 {
		t.Fatalf("got %d sessions, want 1: %s", len(sessions), out)
	}
	return sessions[0].ID
}
