package main

import (
	"cmp"
	"encoding/json"
	"os/exec"
	"slices"
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
	// The scanner's row is labelled by its address and user agent: its
	// refused login attempt ("admin' --") does not name a user.
	s.waitScreen(15*time.Second, "the sqlmap scanner's session", func(scr string) bool {
		return strings.Contains(scr, "sqlmap") && !strings.Contains(scr, "admin' --")
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
		return strings.Contains(scr, "OFFSET") && strings.Contains(scr, "+0 s")
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
	// The first esc in a filtered sequence shows every request again;
	// the next goes back to the list.
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the whole sequence", func(scr string) bool {
		return strings.Contains(scr, "OFFSET") && !strings.Contains(scr, "only attack")
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

// TestContextEditorInTerminal adds a context parameter in a real 80×24
// terminal on spoor demo: C opens the editor from the sessions list, the
// new point is listed once added, typed and saved, and requests captured
// after the save carry it while those captured before keep what they had.
func TestContextEditorInTerminal(t *testing.T) {
	db := t.TempDir() + "/spoor.db"
	t.Setenv("TMUX_TMPDIR", t.TempDir())
	s := startTmux(t, 80, 24, spoorBin+" demo --db "+db)
	s.waitScreen(15*time.Second, "sessions and the traffic strip", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN") && strings.Contains(scr, "traffic") && strings.Contains(scr, " req ")
	})
	s.keys("C")
	s.waitScreen(5*time.Second, "the context editor", func(scr string) bool {
		return strings.Contains(scr, "CONTEXT PARAMETERS") && strings.Contains(scr, "req.json.username")
	})
	s.keys("a")
	s.waitScreen(5*time.Second, "the new-point prompt", func(scr string) bool { return strings.Contains(scr, "new point:") })
	// One key at a time, each waited for: on a loaded machine a burst
	// showed only part of the point.
	typed := ""
	for _, r := range "req.header.User-Agent" {
		s.keys("-l", string(r))
		typed += string(r)
		s.waitScreen(5*time.Second, "the typed "+typed, func(scr string) bool {
			return strings.Contains(scr, "new point: "+typed)
		})
	}
	s.keys("Enter")
	s.waitScreen(5*time.Second, "the point listed", func(scr string) bool {
		return contextRow(scr, "req.header.User-Agent") != "" && !strings.Contains(scr, "new point:")
	})
	s.keys("t")
	s.waitScreen(5*time.Second, "the point typed user", func(scr string) bool {
		return strings.Contains(contextRow(scr, "req.header.User-Agent"), "user")
	})
	s.keys("t")
	s.waitScreen(5*time.Second, "the point typed role", func(scr string) bool {
		return strings.Contains(contextRow(scr, "req.header.User-Agent"), "role")
	})
	s.keys("t")
	s.waitScreen(5*time.Second, "the point typed context", func(scr string) bool {
		return strings.Contains(contextRow(scr, "req.header.User-Agent"), "context")
	})
	s.keys("s")
	s.waitScreen(10*time.Second, "the save", func(scr string) bool {
		return strings.Contains(scr, "saved:") && strings.Contains(scr, "stored requests keep their context")
	})
	saved := time.Now()
	s.keys("Escape")
	s.waitScreen(5*time.Second, "the sessions list after the editor", func(scr string) bool {
		return strings.Contains(scr, "LAST SEEN")
	})
	// Let the actors send more with the new parameter on.
	time.Sleep(3 * time.Second)
	s.keys("q")
	s.waitScreen(10*time.Second, "spoor exiting", func(scr string) bool {
		return !strings.Contains(scr, "sessions ·")
	})
	time.Sleep(500 * time.Millisecond)

	// The store is the demo's until its final flush ends, which takes a
	// while on a loaded machine.
	var out []byte
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		var stderr strings.Builder
		cmd := exec.Command(spoorBin, "requests", "--db", db, "--json")
		cmd.Stderr = &stderr
		if out, err = cmd.Output(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("spoor requests: %v: %s", err, stderr.String())
		}
	}
	var reqs []storedRequest
	if err := json.Unmarshal(out, &reqs); err != nil {
		t.Fatalf("spoor requests --json: %v", err)
	}
	// Exchange ids follow the order of analysis, and the switch happens
	// between two commits: the earliest requests were stored without the
	// parameter and keep it so; the latest carry it. (An exchange
	// captured just before the save but still queued is analysed after
	// it, and rightly carries it.)
	slices.SortFunc(reqs, func(a, b storedRequest) int {
		return cmp.Compare(a.ID, b.ID)
	})
	first := slices.IndexFunc(reqs, func(r storedRequest) bool {
		_, has := r.Context["req.header.User-Agent"]
		return has
	})
	switch {
	case first < 0:
		t.Errorf("no request captured after the save carries req.header.User-Agent (%d requests)", len(reqs))
	case first == 0 || !reqs[0].Time.Before(saved):
		t.Errorf("the first request stored carries req.header.User-Agent: history was rewritten")
	case !reqs[len(reqs)-1].Time.After(saved):
		t.Errorf("no request was captured after the save")
	}
}

// storedRequest is what the context test reads of spoor requests --json.
type storedRequest struct {
	ID      uint64            `json:"id"`
	Time    time.Time         `json:"time"`
	Context map[string]string `json:"context"`
}

// contextRow returns the context editor's row for point, or "".
func contextRow(screen, point string) string {
	for _, line := range strings.Split(screen, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == point {
			return line
		}
	}
	return ""
}
