package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui/traffic"
)

// configuredFlows is what the tests' configuration names: Auth has
// traffic in the fixture, Billing none.
var configuredFlows = []string{"Auth", "Billing"}

// TestFilterValuesChecked types values that name nothing that exists into
// the filter bar: each shows an error with a caret under it and a
// suggestion or the values there are, and enter does not apply it. A flow
// that is configured but has no traffic is valid and matches nothing.
func TestFilterValuesChecked(t *testing.T) {
	cases := []struct {
		name, expr, field string
		col               int
		msg               string
	}{
		{"attack", "status:4xx attack:foo", "attack", 19, `unknown attack type "foo": want any or sqli, xss,`},
		{"abuse", "abuse:bar", "abuse", 7, `unknown abuse type "bar": want any or credential_stuffing,`},
		{"flow", "flow:Biling", "flow", 6, `unknown flow "Biling" (did you mean Billing?)`},
		{"method", "method:GET|FOO", "method", 12, `unknown method "FOO": not a registered HTTP method`},
	}
	for _, sz := range sizes {
		for _, tc := range cases {
			t.Run(tc.name+"/"+sz.name, func(t *testing.T) {
				hs := newRichOptions(t, sz.w, sz.h, Options{Flows: configuredFlows})
				hs.keys(press('f'))
				typeText(hs, tc.expr)
				fe := hs.m.filterbar.Err()
				if fe == nil || fe.Field != tc.field || fe.Column() != tc.col || !strings.Contains(fe.Msg, tc.msg) {
					t.Fatalf("%s: error %+v, want a %s error at column %d: %s", tc.expr, fe, tc.field, tc.col, tc.msg)
				}
				scr := hs.view()
				lines := strings.Split(scr, "\n")
				at := slicesIndexPrefix(lines, "filter: "+tc.expr)
				if at < 0 || at+2 >= len(lines) {
					t.Fatalf("no filter line %q:\n%s", tc.expr, scr)
				}
				if caret := lines[at+1]; caret != strings.Repeat(" ", len("filter: ")+tc.col-1)+"^" {
					t.Errorf("caret line %q, want ^ under column %d", caret, tc.col)
				}
				if !strings.HasPrefix(lines[at+2], "at column ") {
					t.Errorf("message line %q", lines[at+2])
				}
				hs.golden()
				hs.keys(keyEnter)
				if hs.m.input != inputFilter || hs.m.filter.expr != "" {
					t.Errorf("enter applied %q (input %d): a filter that names nothing must not apply", hs.m.filter.expr, hs.m.input)
				}
			})
		}
	}
	hs := newRichOptions(t, 80, 24, Options{Flows: configuredFlows})
	hs.keys(press('f'))
	typeText(hs, "flow:Billing")
	if fe := hs.m.filterbar.Err(); fe != nil {
		t.Fatalf("flow:Billing, configured: %v", fe)
	}
	hs.keys(keyEnter)
	if hs.m.filter.expr != "flow:Billing" || hs.m.sessions.Len() != 0 || !strings.Contains(hs.view(), "no session matches the filter") {
		t.Errorf("flow:Billing applied %q and shows %d sessions, want none and a reason", hs.m.filter.expr, hs.m.sessions.Len())
	}
	// Without a configuration (a source that cannot say), flows are not
	// checked, while the catalogue's types still are.
	hs = newRich(t, 80, 24, nil)
	hs.keys(press('f'))
	typeText(hs, "flow:Nope")
	if fe := hs.m.filterbar.Err(); fe != nil {
		t.Errorf("flow:Nope without a configuration: %v", fe)
	}
}

func slicesIndexPrefix(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// TestRangeThenToggle is the t bug: after 3 the status bar said
// "filter: since:24h" while t said there was no filter. The range is now
// part of the one filter: t switches it off and on, f shows it, and a
// preset replaces the since: term of a written filter.
func TestRangeThenToggle(t *testing.T) {
	// 24 hours before this clock is 09:50 on the fixture's day: alice,
	// bob and the scanner were seen since.
	now := at(9, 50, 0, 0).Add(24 * time.Hour)
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newRichOptions(t, sz.w, sz.h, Options{Now: func() time.Time { return now }})
			hs.keys(press('3'))
			if hs.m.filter.effective() != "since:24h" || hs.m.sessions.Len() != 3 {
				t.Fatalf("3: filter %q shows %d sessions, want since:24h and 3", hs.m.filter.effective(), hs.m.sessions.Len())
			}
			if bar := lastLine(hs.view()); !strings.Contains(bar, "3 sessions · following · filter: since:24h") {
				t.Errorf("status bar after 3: %q", bar)
			}
			goldenAs(t, "range", hs)
			hs.keys(press('t'))
			if hs.m.notice != "" || hs.m.filter.effective() != "" || hs.m.sessions.Len() != 8 {
				t.Fatalf("t: notice %q, filter %q, %d sessions; want the filter off and all 8", hs.m.notice, hs.m.filter.effective(), hs.m.sessions.Len())
			}
			if bar := lastLine(hs.view()); !strings.Contains(bar, "8 sessions · following · filter off (t): since:24h") {
				t.Errorf("status bar after t: %q", bar)
			}
			goldenAs(t, "toggled", hs)
			hs.keys(press('t'))
			if hs.m.filter.effective() != "since:24h" || hs.m.sessions.Len() != 3 {
				t.Errorf("second t: filter %q, %d sessions", hs.m.filter.effective(), hs.m.sessions.Len())
			}
		})
	}
	hs := newRichOptions(t, 80, 24, Options{Now: func() time.Time { return now }})
	hs.keys(press('f'))
	typeText(hs, "status:5xx")
	hs.keys(keyEnter, press('t'), press('3'))
	if hs.m.filter.effective() != "status:5xx since:24h" {
		t.Errorf("3 after a written filter, switched off: %q, want it back on with the range", hs.m.filter.effective())
	}
	hs.keys(press('1'))
	if hs.m.filter.expr != "status:5xx since:15m" {
		t.Errorf("1 replaces the range: %q", hs.m.filter.expr)
	}
	hs.keys(press('f'))
	if got := hs.m.filterbar.Value(); got != "status:5xx since:15m" {
		t.Errorf("f edits %q, want the whole filter, range included", got)
	}
	hs.keys(keyEsc, press('4'))
	if hs.m.filter.expr != "status:5xx" {
		t.Errorf("4 (all time) leaves %q", hs.m.filter.expr)
	}
	hs.keys(press('f'))
	for range len("status:5xx") {
		hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	hs.keys(keyEnter, press('t'))
	if !strings.Contains(hs.m.notice, "no filter to toggle") {
		t.Errorf("t with no filter at all: notice %q", hs.m.notice)
	}
}

// TestStripAndCountFollowTheList checks that a search and the MCP tab
// narrow the traffic strip and the count as they narrow the rows, and that
// the status bar says what it counts.
func TestStripAndCountFollowTheList(t *testing.T) {
	requests := func(list []engine.Session) int {
		n := 0
		for _, s := range list {
			n += s.Requests
		}
		return n
	}
	for _, sz := range sizes {
		t.Run("search/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			all := requests(hs.m.sessions.Shown())
			if got := traffic.Total(hs.m.traffic.Series().Counts); got != all {
				t.Fatalf("strip counts %d requests, the list %d", got, all)
			}
			hs.keys(press('/'))
			typeText(hs, "sqlmap")
			shown := hs.m.sessions.Shown()
			if len(shown) != 1 || traffic.Total(hs.m.traffic.Series().Counts) != shown[0].Requests {
				t.Fatalf("search shows %d sessions; strip counts %d requests, want the scanner's", len(shown), traffic.Total(hs.m.traffic.Series().Counts))
			}
			if bar := lastLine(hs.view()); !strings.HasPrefix(bar, " 1/1 of 8 sessions (search “sqlmap”)") {
				t.Errorf("status bar %q", bar)
			}
			hs.keys(keyEnter) // keep the results: the strip stays narrowed
			if traffic.Total(hs.m.traffic.Series().Counts) != shown[0].Requests {
				t.Errorf("after enter the strip counts %d", traffic.Total(hs.m.traffic.Series().Counts))
			}
			hs.keys(press('/'), keyEsc) // clear the search
			if got := traffic.Total(hs.m.traffic.Series().Counts); got != all || !strings.HasPrefix(lastLine(hs.view()), " 1/8 sessions ·") {
				t.Errorf("after esc the strip counts %d of %d; bar %q", got, all, lastLine(hs.view()))
			}
		})
		t.Run("mcp/"+sz.name, func(t *testing.T) {
			hs := newMCP(t, sz.w, sz.h)
			hs.keys(press('M'))
			shown := hs.m.sessions.Shown()
			if len(shown) != 2 || traffic.Total(hs.m.traffic.Series().Counts) != requests(shown) {
				t.Fatalf("MCP tab: %d sessions, strip counts %d, want %d", len(shown), traffic.Total(hs.m.traffic.Series().Counts), requests(shown))
			}
			hs.keys(press('/'))
			typeText(hs, "cursor")
			if bar := lastLine(hs.view()); !strings.HasPrefix(bar, " 1/1 of 9 sessions (MCP tab, search “cursor”)") {
				t.Errorf("status bar %q", bar)
			}
			hs.golden()
			hs.keys(keyEsc, press('M'))
			if got := traffic.Total(hs.m.traffic.Series().Counts); got != requests(hs.m.sessions.Shown()) || hs.m.sessions.Len() != 9 {
				t.Errorf("back to all: strip counts %d of %d", got, requests(hs.m.sessions.Shown()))
			}
		})
	}
}

// goldenAs compares the screen with the golden file of a named step of
// the test, so that one test can pin several screens.
func goldenAs(t *testing.T, step string, hs *harness) {
	t.Helper()
	t.Run(step, func(t *testing.T) {
		saved := hs.t
		hs.t = t
		defer func() { hs.t = saved }()
		hs.golden()
	})
}

// TestFilterBarVocabularyFromStore opens the TUI over a real store that
// holds an attack type newer than the catalogue and a method no registry
// lists: the bar accepts both, and reads the log for methods only once a
// method it does not know is typed.
func TestFilterBarVocabularyFromStore(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "vocab.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
	var recs []ingest.Record
	for i, method := range []string{"GET", "PURGE", "POST"} {
		x := &engine.Exchange{Start: at(10, 0, i, 0), ClientIP: "192.0.2.9", Method: method, Host: "api.test", Path: "/cache", Status: 200}
		sess := a.Process(x)
		sess.Attacks = map[string]int{"prompt_injection": 1}
		recs = append(recs, ingest.Record{Exchange: x, Session: &sess})
	}
	if err := st.Write(recs); err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t}
	m := New(Options{Source: st, Title: testTitle, Flows: configuredFlows, Now: fixtureNow})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd { hs.timers = append(hs.timers, msg); return nil }
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})

	hs.keys(press('f'))
	typeText(hs, "attack:prompt_injection flow:Auth")
	if fe := hs.m.filterbar.Err(); fe != nil {
		t.Fatalf("a type the store holds: %v", fe)
	}
	if hs.m.vocab.scanned {
		t.Error("the log was read for methods before any method was typed")
	}
	typeText(hs, " method:PURGE")
	if fe := hs.m.filterbar.Err(); fe != nil || !hs.m.vocab.scanned {
		t.Fatalf("method:PURGE, in the store: %v (log read: %v)", fe, hs.m.vocab.scanned)
	}
	hs.keys(keyEnter)
	if hs.m.filter.expr != "attack:prompt_injection flow:Auth method:PURGE" {
		t.Errorf("applied %q", hs.m.filter.expr)
	}
	hs.keys(press('f'))
	typeText(hs, " method:FOO")
	if fe := hs.m.filterbar.Err(); fe == nil || fe.Field != "method" {
		t.Errorf("method:FOO: %v, want a method error", fe)
	}
}
