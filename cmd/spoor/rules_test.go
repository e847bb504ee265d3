package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
)

// TestRulesCommands imports the access-log fixture, then runs each rules
// subcommand as a user does: a dry run prints the impact and saves
// nothing; its counts are those of spoor requests and spoor sessions for
// the same condition; add, export, import, rm and history round-trip; a
// bad file is one error line per bad rule and exit 2.
func TestRulesCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rules.db")
	if _, stderr, code := spoor(t, time.Minute, "import", "--db", db, "testdata/access.log"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	out, stderr, code := spoor(t, time.Minute, "rules", "add", "--db", db, "--action", "block", "--filter", "ip:192.0.2.10", "--id", "lan", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("dry run: %s", stderr)
	}
	var im query.Impact
	if err := json.Unmarshal([]byte(out), &im); err != nil {
		t.Fatal(err)
	}
	var reqs, sess []json.RawMessage
	o, _, _ := spoor(t, time.Minute, "requests", "--db", db, "--filter", "ip:192.0.2.10", "--json")
	json.Unmarshal([]byte(o), &reqs)
	o, _, _ = spoor(t, time.Minute, "sessions", "--db", db, "--filter", "ip:192.0.2.10", "--json")
	json.Unmarshal([]byte(o), &sess)
	if im.Requests == 0 || im.Requests != len(reqs) || im.Sessions != len(sess) || im.CleanSessions > im.Sessions {
		t.Fatalf("impact %+v; spoor requests lists %d, spoor sessions %d", im, len(reqs), len(sess))
	}
	if out, _, _ := spoor(t, time.Minute, "rules", "list", "--db", db, "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("a dry run saved: %s", out)
	}

	out, stderr, code = spoor(t, time.Minute, "rules", "add", "--db", db, "--action", "block", "--filter", "ip:192.0.2.10", "--id", "lan", "--status", "429", "--by", "alice", "--why", "noisy")
	if code != 0 || !strings.Contains(out, "would have hit") || !strings.Contains(out, "saved 1 rule") {
		t.Fatalf("add: %d %s %s", code, out, stderr)
	}
	exported, _, _ := spoor(t, time.Minute, "rules", "export", "--db", db)
	if !strings.Contains(exported, "id: lan") || !strings.Contains(exported, "status: 429") {
		t.Fatalf("export: %s", exported)
	}
	if _, stderr, code := spoor(t, time.Minute, "rules", "rm", "--db", db, "lan", "--by", "bob"); code != 0 {
		t.Fatalf("rm: %s", stderr)
	}
	if _, stderr, code := spoor(t, time.Minute, "rules", "rm", "--db", db, "lan"); code != 2 || !strings.Contains(stderr, "no rule lan") {
		t.Fatalf("rm again: %d %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(file, []byte(exported), 0o600)
	if _, stderr, code := spoor(t, time.Minute, "rules", "import", "--db", db, file); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := st.RuleHistory()
	st.Close()
	if err != nil || len(hist) != 3 || hist[0].By != "alice" || hist[1].Change != store.RuleRemoved || hist[1].By != "bob" || hist[2].Change != store.RuleCreated {
		t.Fatalf("history %+v, %v", hist, err)
	}

	os.WriteFile(file, []byte("rules:\n  - {id: all, action: block, filter: ''}\n  - {id: later, action: block, filter: 'status:500'}\n  - {id: ok, action: block, filter: 'ip:10.0.0.1'}\n"), 0o600)
	_, stderr, code = spoor(t, time.Minute, "rules", "import", "--db", db, file)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 2 || len(lines) != 2 || !strings.Contains(lines[0], "rule 1 (all)") || !strings.HasPrefix(lines[1], "rule 2 (later)") {
		t.Fatalf("bad file: exit %d, stderr:\n%s", code, stderr)
	}
	out, _, _ = spoor(t, time.Minute, "rules", "list", "--db", db, "--json")
	var saved []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &saved); err != nil || len(saved) != 1 || saved[0].ID != "lan" {
		t.Fatalf("after a bad file the rules are %s, want lan alone", out)
	}
}
