package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCopyCurlMatchesExport checks that the TUI's y, from the request
// sequence and from a request's detail, copies byte for byte the command
// `spoor export --format curl` writes for the same stored request. The
// requests of testdata/curl.har exercise what the two renderers once did
// differently: hop-by-hop headers, Accept-Encoding (--compressed), a body
// with control characters ($'…' quoting), a quote in a header, and HEAD.
// The clipboard is tmux's: with set-clipboard on, tmux keeps what the TUI
// sends as OSC 52 in a paste buffer.
func TestCopyCurlMatchesExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "curl.db")
	if _, stderr, code := spoor(t, 20*time.Second, "import", "--db", db, filepath.Join("testdata", "curl.har")); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	out, stderr, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	var sessions []struct {
		ID string `json:"id"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &sessions) != nil || len(sessions) != 1 {
		t.Fatalf("sessions: exit %d, %s%s", code, out, stderr)
	}
	exported, stderr, code := spoor(t, 10*time.Second, "export", "--db", db, "--session", sessions[0].ID, "--format", "curl")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	want := curlCommands(exported)
	if len(want) != 2 || !strings.Contains(want[0], "--compressed") || !strings.Contains(want[0], "$'line1\\x01") || !strings.HasPrefix(want[1], "curl --head ") {
		t.Fatalf("export gave %d commands, not the two of the fixture with --compressed, $'…' and --head:\n%s", len(want), exported)
	}

	t.Setenv("TMUX_TMPDIR", t.TempDir())
	s := startTmux(t, 120, 36, spoorBin+" open --db "+db)
	if out, err := exec.Command("tmux", "set-option", "-g", "set-clipboard", "on").CombinedOutput(); err != nil {
		t.Fatalf("tmux set-clipboard: %v: %s", err, out)
	}
	s.waitScreen(10*time.Second, "the sessions list", func(scr string) bool { return strings.Contains(scr, "LAST SEEN") })
	s.keys("Enter")
	s.waitScreen(5*time.Second, "the request sequence", func(scr string) bool { return strings.Contains(scr, "/v1/catalog.pdf") })
	for i, w := range want {
		if i > 0 {
			s.keys("Down")
		}
		s.keys("y")
		if got := clipboard(t); got != w {
			t.Errorf("y on row %d of the sequence copied\n%q\nspoor export wrote\n%q", i, got, w)
		}
	}
	s.keys("Enter")
	s.waitScreen(5*time.Second, "the request's detail", func(scr string) bool { return strings.Contains(scr, "‹ Request ›") })
	s.keys("y")
	if got := clipboard(t); got != want[len(want)-1] {
		t.Errorf("y in the detail copied\n%q\nspoor export wrote\n%q", got, want[len(want)-1])
	}
}

// curlCommands splits a curl export into its commands, comments dropped.
func curlCommands(export string) []string {
	var out []string
	for _, block := range strings.Split(export, "\n\n")[1:] {
		var lines []string
		for line := range strings.Lines(block) {
			if !strings.HasPrefix(line, "#") {
				lines = append(lines, line)
			}
		}
		out = append(out, strings.TrimSuffix(strings.Join(lines, ""), "\n"))
	}
	return out
}

// clipboard waits for tmux's newest paste buffer, returns it and deletes
// it, so that the next copy is told apart.
func clipboard(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := exec.Command("tmux", "show-buffer").Output()
		if err == nil {
			if del, err := exec.Command("tmux", "delete-buffer").CombinedOutput(); err != nil {
				t.Fatalf("tmux delete-buffer: %v: %s", err, del)
			}
			return string(out)
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing reached the clipboard within 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
