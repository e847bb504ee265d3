package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spoorhq/spoor/engine"
)

// TestTableFitsWidth checks that a table fitted to a width elides its
// widest elidable columns and nothing else, and that a table printed
// whole (a pipe) cuts nothing.
func TestTableFitsWidth(t *testing.T) {
	tb := &table{cols: []column{{title: "ID"}, {title: "ACTOR", elide: true}, {title: "REQS", right: true}, {title: "WHY", elide: true}}}
	tb.add("a11ce0000001-1", "alice@example.com", "3,550", strings.Repeat("a long explanation ", 6))
	tb.add("b0b000000001-1", "resp.header.Mcp-Session-Id b0bbf203", "7", "short")

	var whole bytes.Buffer
	if err := tb.write(&whole, 0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(whole.String(), "…") || !strings.Contains(whole.String(), strings.TrimSpace(strings.Repeat("a long explanation ", 6))) {
		t.Errorf("a table printed whole cut a cell:\n%s", whole.String())
	}

	for _, width := range []int{100, 60, 50} {
		var fitted bytes.Buffer
		if err := tb.write(&fitted, width); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(fitted.String(), "\n"), "\n")
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("width %d: line of %d cells: %q", width, w, l)
			}
		}
		for _, whole := range []string{"a11ce0000001-1", "b0b000000001-1", "3,550"} {
			if !strings.Contains(fitted.String(), whole) {
				t.Errorf("width %d: %q was cut; identifiers and counts are never elided:\n%s", width, whole, fitted.String())
			}
		}
		if !strings.Contains(lines[1], "…") {
			t.Errorf("width %d: the long explanation was not elided:\n%s", width, fitted.String())
		}
		t.Logf("width %d:\n%s", width, fitted.String())
	}
}

// TestSessionsTableColumns checks that the sessions table names actors as
// the TUI's list does (engine.Session.Label), has a USER column, and
// formats counts and durations for people.
func TestSessionsTableColumns(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	sessions := []engine.Session{
		{ID: "3c2810721234-1", KeyID: "3c2810721234", KeyPoint: "resp.cookie.sid", Actor: "resp.cookie.sid 3c281072", User: "mallory",
			FirstSeen: now.Add(-time.Hour), LastSeen: now.Add(-time.Hour + 37801512*time.Microsecond), Requests: 3550, StatusCounts: map[int]int{200: 3000, 404: 550}},
		{ID: "b0bbf2031234-1", KeyID: "b0bbf2031234", KeyPoint: "resp.header.Mcp-Session-Id", Actor: "resp.header.Mcp-Session-Id b0bbf203",
			MCP: &engine.SessionMCP{Client: "claude-code/1.0"}, FirstSeen: now.AddDate(-1, 0, 0), LastSeen: now.AddDate(-1, 0, 0), Requests: 9},
	}
	var out bytes.Buffer
	if err := sessionsTable(sessions, now).write(&out, 0); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	t.Logf("\n%s", text)
	header := strings.Fields(strings.SplitN(text, "\n", 2)[0])
	if strings.Join(header, " ") != "ID LAST SEEN DUR ACTOR USER KEY REQS 4XX 5XX ATTACKS" {
		t.Errorf("header %q", header)
	}
	for _, want := range []string{"mallory", "3,550", "550", "37.8 s", "11:00:37", "claude-code/1.0 b0bbf203", "2025-11-24"} {
		if !strings.Contains(text, want) {
			t.Errorf("sessions table lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "resp.header.Mcp-Session-Id b0bbf203") {
		t.Errorf("the MCP session is named by its key's display form:\n%s", text)
	}
}

// TestHARImportActor imports a browser's HAR recording, which has no
// client address, and checks that its requests form one session keyed by
// the browser's user agent, named by the browser in the table.
func TestHARImportActor(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	if _, errOut, code := spoor(t, 20*time.Second, "import", "--db", db, filepath.Join("testdata", "firefox.har")); code != 0 {
		t.Fatalf("import exited %d: %s", code, errOut)
	}
	out, errOut, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sessions exited %d: %s", code, errOut)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0].KeyPoint != "req.ua" || sessions[0].Requests != 3 {
		t.Fatalf("sessions of the HAR: %+v, want one of 3 requests keyed by req.ua", sessions)
	}
	table, errOut, code := spoor(t, 10*time.Second, "sessions", "--db", db)
	if code != 0 {
		t.Fatalf("sessions exited %d: %s", code, errOut)
	}
	if !strings.Contains(table, "Firefox/133.0") || strings.Contains(table, "(unidentified)") {
		t.Errorf("sessions table of a HAR import:\n%s", table)
	}
}

// TestTablesFitTheTerminal runs the listing commands in a real terminal:
// with COLUMNS=80 no line is wider than 80 cells, and piped, the same
// command prints its long cells whole.
func TestTablesFitTheTerminal(t *testing.T) {
	piped, _, code := spoor(t, 10*time.Second, "detectors")
	if code != 0 || !hasLineWider(piped, 80) {
		t.Fatalf("piped detectors (exit %d) has no line wider than 80 cells; the test needs one", code)
	}
	s := startTmux(t, 100, 60, "COLUMNS=80 "+spoorBin+" detectors; echo END-OF-DETECTORS; "+spoorBin+" keys; sleep 30")
	scr := s.waitScreen(10*time.Second, "the keys table", func(scr string) bool {
		return strings.Contains(scr, "req.ua")
	})
	detectors, keys, _ := strings.Cut(scr, "END-OF-DETECTORS")
	if !strings.Contains(detectors, "…") || hasLineWider(detectors, 80) {
		t.Errorf("detectors at COLUMNS=80 elided nothing or printed a line wider than 80 cells:\n%s", detectors)
	}
	// Without COLUMNS the terminal's width (100) is the limit.
	if hasLineWider(keys, 100) || !strings.Contains(keys, "…") {
		t.Errorf("keys in a 100-column terminal elided nothing or printed a wider line:\n%s", keys)
	}
}

func hasLineWider(s string, width int) bool {
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > width {
			return true
		}
	}
	return false
}

// TestTableDropsColumns checks that a table too wide even with its cells
// elided leaves out its columns in their drop order, and only those.
func TestTableDropsColumns(t *testing.T) {
	sessions := []engine.Session{{ID: "8898fafdba1c-1", KeyPoint: "req.ip+req.ua", Actor: "203.0.113.200 Scrapy/2.11 (+https://scrapy.org)",
		LastSeen: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Requests: 122}}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		width   int
		dropped []string
	}{{200, nil}, {80, []string{"USER", "5XX", "DUR"}}, {60, []string{"USER", "5XX", "DUR", "KEY"}}} {
		var out bytes.Buffer
		if err := sessionsTable(sessions, now).write(&out, tt.width); err != nil {
			t.Fatal(err)
		}
		header := strings.Fields(strings.SplitN(out.String(), "\n", 2)[0])
		for _, col := range []string{"ID", "LAST", "DUR", "ACTOR", "USER", "KEY", "REQS", "4XX", "5XX", "ATTACKS"} {
			if got, want := slices.Contains(header, col), !slices.Contains(tt.dropped, col); got != want {
				t.Errorf("width %d: column %s shown %v, want %v:\n%s", tt.width, col, got, want, out.String())
			}
		}
		if tt.width == 80 && hasLineWider(out.String(), tt.width) { // at 60 only ID, times, the actor and counts are left, which are never cut
			t.Errorf("width %d: a line is wider:\n%s", tt.width, out.String())
		}
		if !strings.Contains(out.String(), "203.0.113.200 S") {
			t.Errorf("width %d: the actor was cut below its minimum:\n%s", tt.width, out.String())
		}
	}
}
