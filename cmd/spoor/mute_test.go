package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// muteCounts is what the reading commands count of sqli tags: sessions
// that spoor sessions --filter attack:sqli lists and the tags they sum,
// requests spoor requests --filter attack:sqli lists, and the tags spoor
// endpoints counts on GET /search.
type muteCounts struct {
	sessions, sessionTags, requests, endpointTags int
}

func readMuteCounts(t *testing.T, db string) muteCounts {
	t.Helper()
	var c muteCounts
	var sessions []struct {
		Attacks map[string]int `json:"attacks"`
	}
	out, stderr, code := spoor(t, time.Minute, "sessions", "--db", db, "--filter", "attack:sqli", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &sessions) != nil {
		t.Fatalf("sessions: %d %s", code, stderr)
	}
	c.sessions = len(sessions)
	for _, s := range sessions {
		c.sessionTags += s.Attacks["sqli"]
	}
	var reqs []json.RawMessage
	out, stderr, code = spoor(t, time.Minute, "requests", "--db", db, "--filter", "attack:sqli", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &reqs) != nil {
		t.Fatalf("requests: %d %s", code, stderr)
	}
	c.requests = len(reqs)
	var rows []struct {
		Method   string           `json:"method"`
		Endpoint string           `json:"endpoint"`
		Attacks  map[string]int64 `json:"attacks"`
	}
	out, stderr, code = spoor(t, time.Minute, "endpoints", "--db", db, "--json")
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil {
		t.Fatalf("endpoints: %d %s", code, stderr)
	}
	for _, r := range rows {
		if r.Method == "GET" && r.Endpoint == "/search" {
			c.endpointTags = int(r.Attacks["sqli"])
		}
	}
	return c
}

// TestMuteAppliesToStoredHistory imports traffic, then saves a mute of
// the sqli tags of one address: the tags stored before the mute leave
// every count (spoor sessions --filter attack:sqli, spoor requests,
// spoor endpoints, a report's counts) and stay on their requests in
// spoor requests --json, marked muted_by the rule; removing the mute
// counts them again.
func TestMuteAppliesToStoredHistory(t *testing.T) {
	db := t.TempDir() + "/mute.db"
	if _, stderr, code := spoor(t, time.Minute, "import", "--db", db, "testdata/access.log"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	before := readMuteCounts(t, db)
	// The fixture's sqli tags: 11 requests to /search in 8 sessions, 4 of
	// them from 192.0.2.10 in 3 sessions.
	if before != (muteCounts{sessions: 8, sessionTags: 11, requests: 11, endpointTags: 11}) {
		t.Fatalf("before the mute: %+v", before)
	}
	// The report of the session of 192.0.2.10 with two sqli tags, both
	// on GET /search.
	var lan []struct {
		ID      string         `json:"id"`
		Attacks map[string]int `json:"attacks"`
	}
	out, stderr, code := spoor(t, time.Minute, "sessions", "--db", db, "--filter", "ip:192.0.2.10 attack:sqli", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &lan) != nil {
		t.Fatalf("sessions: %d %s", code, stderr)
	}
	id := ""
	for _, s := range lan {
		if s.Attacks["sqli"] == 2 {
			id = s.ID
		}
	}
	if id == "" {
		t.Fatalf("no session of 192.0.2.10 with 2 sqli tags: %s", out)
	}
	report := func() string {
		out, stderr, code := spoor(t, time.Minute, "report", "--db", db, "--session", id, "--format", "md")
		if code != 0 {
			t.Fatalf("report: %s", stderr)
		}
		return out
	}
	searchRow := regexp.MustCompile("\\| `GET` `/search` \\| \\d+ \\| \\d+ \\| (\\d+) \\|")
	tagsOnSearch := func(r string) string {
		m := searchRow.FindStringSubmatch(r)
		if m == nil {
			t.Fatalf("no /search row in the report:\n%s", r)
		}
		return m[1]
	}
	if r := report(); !strings.Contains(r, "**Attack tags:** sqli × 2") || tagsOnSearch(r) != "2" {
		t.Fatalf("the report before the mute does not count the 2 sqli tags:\n%s", r)
	}

	if _, stderr, code := spoor(t, time.Minute, "rules", "add", "--db", db, "--action", "mute", "--attack", "sqli",
		"--filter", "ip:192.0.2.10", "--id", "fp-lan", "--why", "our own scanner"); code != 0 {
		t.Fatalf("add the mute: %s", stderr)
	}
	after := readMuteCounts(t, db)
	if after != (muteCounts{sessions: 5, sessionTags: 7, requests: 7, endpointTags: 7}) {
		t.Fatalf("after the mute: %+v, want the 4 tags of 192.0.2.10 in 3 sessions left out", after)
	}
	if r := report(); !strings.Contains(r, "**Attack tags:** none") || tagsOnSearch(r) != "0" {
		t.Fatalf("the report after the mute counts the muted tags:\n%s", r)
	}

	// A rule's impact counts what spoor requests counts, mutes applied.
	var im struct {
		Requests int `json:"requests"`
	}
	out, stderr, code = spoor(t, time.Minute, "rules", "add", "--db", db, "--action", "virtual_patch", "--attack", "sqli",
		"--filter", "endpoint:/search", "--id", "patch-search", "--dry-run", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &im) != nil || im.Requests != 7 {
		t.Fatalf("the impact of a patch of sqli on /search: %d %s %s, want 7 requests", code, out, stderr)
	}

	var reqs []struct {
		Attacks []struct {
			Type    string `json:"type"`
			MutedBy string `json:"muted_by"`
		} `json:"attacks"`
	}
	out, stderr, code = spoor(t, time.Minute, "requests", "--db", db, "--filter", "ip:192.0.2.10 path:/search", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &reqs) != nil {
		t.Fatalf("requests: %d %s", code, stderr)
	}
	muted := 0
	for _, r := range reqs {
		for _, a := range r.Attacks {
			if a.Type == "sqli" && a.MutedBy == "fp-lan" {
				muted++
			} else if a.Type == "sqli" {
				t.Errorf("a sqli tag of 192.0.2.10 without muted_by: %+v", a)
			}
		}
	}
	if muted != 4 {
		t.Fatalf("%d sqli tags of 192.0.2.10 shown muted by fp-lan, want 4:\n%s", muted, out)
	}

	if _, stderr, code := spoor(t, time.Minute, "rules", "rm", "--db", db, "fp-lan"); code != 0 {
		t.Fatalf("rm: %s", stderr)
	}
	if again := readMuteCounts(t, db); again != before {
		t.Fatalf("after removing the mute: %+v, want %+v", again, before)
	}
}

// TestImportStampsSavedMutes imports into a store that already holds a
// mute: the import stamps the tags it covers as it stores them (its
// summary leaves them out), so they stay muted after the rule is removed,
// as tags a capture stamped do.
func TestImportStampsSavedMutes(t *testing.T) {
	db := t.TempDir() + "/stamped.db"
	if _, stderr, code := spoor(t, time.Minute, "rules", "add", "--db", db, "--action", "mute", "--attack", "sqli",
		"--filter", "ip:192.0.2.10", "--id", "fp-lan"); code != 0 {
		t.Fatalf("add the mute: %s", stderr)
	}
	out, stderr, code := spoor(t, time.Minute, "import", "--db", db, "testdata/access.log")
	if code != 0 || !strings.Contains(out+stderr, "160 requests, 7 with attack tags") {
		t.Fatalf("import: %d\n%s%s", code, out, stderr)
	}
	want := muteCounts{sessions: 5, sessionTags: 7, requests: 7, endpointTags: 7}
	if got := readMuteCounts(t, db); got != want {
		t.Fatalf("with the mute: %+v, want %+v", got, want)
	}
	if _, stderr, code := spoor(t, time.Minute, "rules", "rm", "--db", db, "fp-lan"); code != 0 {
		t.Fatalf("rm: %s", stderr)
	}
	if got := readMuteCounts(t, db); got != want {
		t.Fatalf("after removing the mute: %+v, want the stamped tags still muted: %+v", got, want)
	}
}
