package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxSession runs the real binary in a detached tmux window of a fixed
// size, as a user's terminal would, and kills it when the test ends.
type tmuxSession struct {
	t    *testing.T
	name string
}

func startTmux(t *testing.T, width, height int, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is required for the end-to-end tests (.ci/run installs it): ", err)
	}
	name := fmt.Sprintf("spoor-test-%d", time.Now().UnixNano())
	out, err := exec.Command("tmux", "new-session", "-d", "-s", name,
		"-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	s := &tmuxSession{t: t, name: name}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", name).Run() })
	return s
}

func (s *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", s.name).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	args := append([]string{"send-keys", "-t", s.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux send-keys: %v: %s", err, out)
	}
}

// waitScreen polls the screen until ok accepts it or the deadline passes.
func (s *tmuxSession) waitScreen(d time.Duration, what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %s within %v; last screen:\n%s", what, d, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var sessionCount = regexp.MustCompile(`(\d+) sessions`)

// TestDemoInTerminal is the quick start as a user meets it: `spoor demo` in
// a 120×36 terminal shows at least five live sessions within ten seconds,
// opens one with Enter, goes back with Esc and quits with q.
func TestDemoInTerminal(t *testing.T) {
	s := startTmux(t, 120, 36, spoorBin+" demo")
	start := time.Now()
	scr := s.waitScreen(10*time.Second, "at least 5 sessions", func(scr string) bool {
		m := sessionCount.FindStringSubmatch(scr)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		return n >= 5
	})
	t.Logf("5 sessions after %v", time.Since(start).Round(100*time.Millisecond))
	for _, col := range []string{"LAST SEEN", "ACTOR", "REQS", "4XX", "5XX", "ATTACKS"} {
		if !strings.Contains(scr, col) {
			t.Errorf("sessions list lacks column %s:\n%s", col, scr)
		}
	}
	s.keys("Enter")
	s.waitScreen(5*time.Second, "a request sequence", func(scr string) bool {
		return strings.Contains(scr, "OFFSET") && strings.Contains(scr, "+0 s")
	})
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the sessions list again", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN")
	})
	s.keys("q")
	s.waitScreen(10*time.Second, "spoor exiting", func(scr string) bool {
		return !strings.Contains(scr, "sessions ·")
	})
}
