package main

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInvestigateInTerminal walks the investigation the README promises on
// `spoor demo` in a real terminal: search for the attacker, open its
// session, open a request and walk its detail tabs, then open the key
// editor. Attack tags are asserted once the stored requests carry them.
func TestInvestigateInTerminal(t *testing.T) {
	db := t.TempDir() + "/spoor.db"
	// A tmux server of our own: the previous test's server may still be
	// exiting on the default socket.
	t.Setenv("TMUX_TMPDIR", t.TempDir())
	s := startTmux(t, 120, 36, spoorBin+" demo --db "+db)
	s.waitScreen(15*time.Second, "the sqlmap scanner's session", func(scr string) bool {
		return strings.Contains(scr, "sqlmap")
	})

	s.keys("/")
	for _, r := range "sqlmap" {
		s.keys("-l", string(r))
	}
	s.waitScreen(5*time.Second, "search results with a MATCH column", func(scr string) bool {
		return strings.Contains(scr, "MATCH") && strings.Contains(scr, "/sqlmap")
	})
	s.keys("Enter", "Enter")
	scr := s.waitScreen(5*time.Second, "the scanner's request sequence", func(scr string) bool {
		return strings.Contains(scr, "OFFSET") && strings.Contains(scr, "+0.000s")
	})
	if !strings.Contains(strings.ToLower(scr), "sqlmap") {
		t.Errorf("the opened session is not the scanner's:\n%s", scr)
	}

	// Stats, the ATTACK column, its most frequent type: the sequence then
	// shows only tagged requests, and Enter opens the first of them.
	s.keys("s", "Right", "Right", "Right", "Enter")
	s.waitScreen(5*time.Second, "the sequence filtered by attack", func(scr string) bool {
		return strings.Contains(scr, "only attack")
	})
	s.keys("Enter")
	s.waitScreen(5*time.Second, "the request tab", func(scr string) bool {
		return strings.Contains(scr, "‹ Request ›") && strings.Contains(scr, "HEADERS")
	})
	s.keys("Tab")
	s.waitScreen(5*time.Second, "the response tab", func(scr string) bool {
		return strings.Contains(scr, "‹ Response ›")
	})
	s.keys("Tab")
	tagsTab := s.waitScreen(5*time.Second, "the tags tab", func(scr string) bool {
		return strings.Contains(scr, "‹ Tags")
	})
	// Escapes go one at a time: two in one write read as alt+escape.
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the sequence again", func(scr string) bool {
		return strings.Contains(scr, "OFFSET")
	})
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the sessions list", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN")
	})

	s.keys("K")
	s.waitScreen(5*time.Second, "the key editor", func(scr string) bool {
		return strings.Contains(scr, "GROUPING KEYS")
	})
	// Add two keys of our own, move the second above the first, and
	// preview what grouping by the client address first would do.
	for _, k := range []string{"req.header.X-Tenant", "req.ip"} {
		s.keys("a")
		s.waitScreen(10*time.Second, "the new-key prompt", func(scr string) bool { return strings.Contains(scr, "new key:") })
		s.keys("-l", k)
		s.waitScreen(10*time.Second, "the typed key "+k, func(scr string) bool { return strings.Contains(scr, "new key: "+k) })
		s.keys("Enter")
		s.waitScreen(10*time.Second, "the added key "+k, func(scr string) bool {
			return strings.Contains(scr, k) && !strings.Contains(scr, "new key:")
		})
	}
	s.waitScreen(10*time.Second, "req.ip second", func(scr string) bool { return keyAt(scr, 2) == "req.ip" })
	s.keys("K")
	s.waitScreen(10*time.Second, "req.ip moved first", func(scr string) bool {
		return keyAt(scr, 1) == "req.ip" && keyAt(scr, 2) == "req.header.X-Tenant"
	})
	s.keys("p")
	s.waitScreen(10*time.Second, "the regroup preview", func(scr string) bool {
		return strings.Contains(scr, "preview:") && strings.Contains(scr, "merged")
	})
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the sessions list after the editor", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN")
	})
	// A lone Escape followed at once by q reads as alt+q in a terminal.
	time.Sleep(200 * time.Millisecond)
	s.keys("q")
	s.waitScreen(10*time.Second, "spoor exiting", func(scr string) bool {
		return !strings.Contains(scr, "sessions ·")
	})
	// The store is the demo's until it exits; only then can spoor
	// requests say whether requests carry attack tags, which the tags tab
	// of the scanner's request must then have shown.
	time.Sleep(500 * time.Millisecond)
	if demoHasAttackTags(t, db) && (strings.Contains(tagsTab, "no attack tags") || !strings.Contains(tagsTab, "rule")) {
		t.Errorf("stored requests carry attacks but the tags tab showed none:\n%s", tagsTab)
	}
}

// demoHasAttackTags reports whether any stored request carries attack
// tags, read through spoor requests --json as a script would.
func demoHasAttackTags(t *testing.T, db string) bool {
	t.Helper()
	out, err := exec.Command(spoorBin, "requests", "--db", db, "--json", "--filter", "attack:any", "--limit", "5").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Logf("spoor requests: %v: %s", err, stderr)
		return false
	}
	var reqs []struct {
		Attacks []json.RawMessage `json:"attacks"`
	}
	if err := json.Unmarshal(out, &reqs); err != nil {
		return false
	}
	for _, r := range reqs {
		if len(r.Attacks) > 0 {
			return true
		}
	}
	return false
}

// keyAt returns the key on row n of the key editor's table.
func keyAt(screen string, n int) string {
	for _, line := range strings.Split(screen, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == strconv.Itoa(n) {
			return f[1]
		}
	}
	return ""
}
