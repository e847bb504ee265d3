package tui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

func TestEmptyList(t *testing.T) {
	hs := newHarness(t, newFakeSource(), nil, 80, 24)
	hs.golden()
}

func TestSessionsList(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{"80x24", 80, 24},
		{"160x48", 160, 48},
		{"60x24", 60, 24},
		{"40x12", 40, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, fixtureSource(), func() Stats { return Stats{Captured: 179} }, tc.w, tc.h)
			hs.golden()
		})
	}
}

func TestSequence(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{"80x24", 80, 24},
		{"60x24", 60, 24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, fixtureSource(), nil, tc.w, tc.h)
			hs.keys(keyEnter)
			if hs.m.focus != focusSequence {
				t.Fatal("enter did not open the sequence")
			}
			hs.golden()
		})
	}
}

func TestEscReturnsToList(t *testing.T) {
	hs := newHarness(t, fixtureSource(), nil, 80, 24)
	hs.keys(keyDown)
	list := hs.view()
	hs.keys(keyEnter, keyEsc)
	if hs.m.focus != focusSessions {
		t.Fatal("esc did not return to the list")
	}
	if got := hs.view(); got != list {
		t.Errorf("list after esc differs from before enter:\n%s\nwant:\n%s", got, list)
	}
}

func TestHelpToggle(t *testing.T) {
	hs := newHarness(t, fixtureSource(), nil, 80, 24)
	hs.keys(press('?'))
	hs.golden()
	hs.keys(press('?'))
	if strings.Contains(hs.view(), "page down") {
		t.Error("second ? did not close the full help")
	}
}

func TestLiveReorderKeepsCursor(t *testing.T) {
	src := fixtureSource()
	hs := newHarness(t, src, nil, 80, 24)
	hs.keys(keyDown, keyDown) // the scanner, third by LastSeen
	want, _ := hs.m.sessions.Selected()
	if want.ID != scanner.id {
		t.Fatalf("cursor on %s, want the scanner", want.ID)
	}

	// The probe, oldest, and then bob come back to life and jump to the
	// top, pushing the scanner two rows down.
	src.add(probe, req{start: at(10, 5, 0, 0), method: "GET", path: "/healthz", status: 200, durMS: 0.3, respBytes: 2})
	hs.refresh()
	src.add(bob, req{start: at(10, 5, 1, 0), method: "GET", path: "/api/v1/cart", status: 200, durMS: 20, respBytes: 900})
	hs.refresh()

	got, _ := hs.m.sessions.Selected()
	if got.ID != want.ID {
		t.Fatalf("after reorder the cursor is on %s, want %s", got.ID, want.ID)
	}
	hs.golden()
}

func TestRefreshesCoalesce(t *testing.T) {
	src := fixtureSource()
	hs := newHarness(t, src, nil, 80, 24)
	loads, _ := src.calls()
	if loads != 1 {
		t.Fatalf("start made %d loads, want 1", loads)
	}

	for range 50 {
		hs.send(RefreshMsg{})
	}
	if len(hs.timers) != 1 {
		t.Fatalf("50 refreshes armed %d timers, want 1", len(hs.timers))
	}
	hs.fire()
	if loads, _ = src.calls(); loads != 2 {
		t.Fatalf("one window made %d loads in total, want 2", loads)
	}

	// Refreshes during a load in flight wait for it, then cost one more.
	hs.m.loading = true
	hs.send(RefreshMsg{}, RefreshMsg{})
	if len(hs.timers) != 0 {
		t.Fatalf("refresh during a load armed %d timers, want 0", len(hs.timers))
	}
	hs.send(requestsLoadedMsg{sessionID: "gone"})
	if len(hs.timers) != 1 {
		t.Fatalf("end of load armed %d timers, want 1", len(hs.timers))
	}
	hs.fire()
	if loads, _ = src.calls(); loads != 3 {
		t.Fatalf("made %d loads in total, want 3", loads)
	}
	if hs.m.loading || hs.m.dirty || hs.m.ticking {
		t.Errorf("model not idle: loading=%v dirty=%v ticking=%v", hs.m.loading, hs.m.dirty, hs.m.ticking)
	}
}

// TestRefreshBurstsOneReloadPerWindow is the coalescer's contract with
// the command that forwards store commits: however many refreshes a window
// receives, it ends in one reload, and a window with none reloads nothing.
func TestRefreshBurstsOneReloadPerWindow(t *testing.T) {
	src := fixtureSource()
	hs := newHarness(t, src, nil, 80, 24)
	start, _ := src.calls()
	for i, burst := range []int{1, 200, 0, 37, 1000} {
		for range burst {
			hs.send(RefreshMsg{})
		}
		if want := min(burst, 1); len(hs.timers) != want {
			t.Fatalf("window %d: %d refreshes armed %d timers, want %d", i, burst, len(hs.timers), want)
		}
		before, _ := src.calls()
		hs.fire()
		if loads, _ := src.calls(); loads-before != min(burst, 1) {
			t.Fatalf("window %d: %d refreshes made %d reloads, want %d", i, burst, loads-before, min(burst, 1))
		}
	}
	if loads, _ := src.calls(); loads-start != 4 {
		t.Errorf("5 windows, 4 with refreshes, made %d reloads", loads-start)
	}
}

func TestOpenSessionGrows(t *testing.T) {
	src := fixtureSource()
	hs := newHarness(t, src, nil, 80, 24)
	hs.keys(keyEnter)
	_, reqs := src.calls()

	// A refresh that does not touch alice leaves her requests alone.
	src.add(bob, req{start: at(10, 4, 6, 0), method: "GET", path: "/api/v1/cart", status: 200, durMS: 20})
	hs.refresh()
	if _, n := src.calls(); n != reqs {
		t.Fatalf("refresh reloaded requests of a session that did not grow")
	}

	src.add(alice, req{start: at(10, 4, 9, 500), method: "POST", path: "/api/v1/logout", status: 204, durMS: 5})
	hs.refresh()
	if _, n := src.calls(); n != reqs+1 {
		t.Fatalf("refresh made %d requests loads, want 1", n-reqs)
	}
	view := hs.view()
	for _, want := range []string{"/api/v1/logout", "11 requests"} {
		if !strings.Contains(view, want) {
			t.Errorf("sequence lacks %q after the session grew:\n%s", want, view)
		}
	}
}

func TestNavigation(t *testing.T) {
	src := newFakeSource()
	for i := range 100 {
		a := actor{
			id: "f1ee0000" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "00-1", name: "bot-" + string(rune('a'+i/26)) + string(rune('a'+i%26)),
			keyPoint: "req.ip", ips: []string{"192.0.2.1"}, agents: []string{"curl/8.11.0"},
		}
		src.add(a, req{start: at(11, 0, 0, 0).Add(-durSeconds(i)), method: "GET", path: "/", status: 200, durMS: 1})
	}
	hs := newHarness(t, src, nil, 80, 24)
	for _, tc := range []struct {
		keys []tea.KeyPressMsg
		want string
	}{
		{[]tea.KeyPressMsg{press('G')}, "bot-dv"},
		{[]tea.KeyPressMsg{press('g')}, "bot-aa"},
		{[]tea.KeyPressMsg{keyPgDn}, "bot-as"},
		{[]tea.KeyPressMsg{press('j'), press('k'), press('j')}, "bot-at"},
		{[]tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyPgUp}}, "bot-dd"},
	} {
		hs.keys(tc.keys...)
		got, _ := hs.m.sessions.Selected()
		if got.Actor != tc.want {
			t.Errorf("after %v the cursor is on %s, want %s", tc.keys, got.Actor, tc.want)
		}
		if !strings.Contains(hs.view(), tc.want) {
			t.Errorf("after %v the cursor row %s is not on screen", tc.keys, tc.want)
		}
	}
}

func TestSourceErrorInStatusBar(t *testing.T) {
	src := fixtureSource()
	hs := newHarness(t, src, nil, 80, 24)
	src.fail(errDiskOnFire)
	hs.refresh()
	lines := strings.Split(strings.TrimRight(hs.view(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "error: load sessions: read spoor.db: input/output error bucket …") {
		t.Errorf("status bar does not show the error on one line: %q", last)
	}
	if !strings.Contains(hs.view(), "alice@example.com") {
		t.Error("an error wiped the list it could not refresh")
	}

	src.fail(nil)
	hs.refresh()
	if strings.Contains(hs.view(), "error:") {
		t.Error("error stays after a successful load")
	}
}

func TestStatusBarCounters(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	stats := Stats{Captured: 1234, Dropped: 0}
	hs := newHarness(t, fixtureSource(), func() Stats { return stats }, 80, 24)
	if !strings.HasPrefix(lastLine(hs.view()), " 1/8 sessions · following · 1,234 captured · 0 dropped · spoor demo") {
		t.Errorf("status bar: %q", lastLine(hs.view()))
	}

	stats = Stats{Captured: 1300, Dropped: 7}
	hs.fire() // the stats timer
	raw := hs.m.View().Content
	danger := hs.m.theme.Danger.Inherit(hs.m.theme.StatusBar).Render("7 dropped")
	if !strings.Contains(raw, danger) {
		t.Errorf("dropped count is not highlighted as danger: %q", lastLine(raw))
	}
	if len(hs.timers) != 1 {
		t.Errorf("stats timer re-armed %d times, want 1", len(hs.timers))
	}
}

func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	hs := newHarness(t, fixtureSource(), func() Stats { return Stats{Dropped: 3} }, 80, 24)
	raw := hs.m.View().Content
	for _, sgr := range []string{"38;", "48;"} {
		if strings.Contains(raw, sgr) {
			t.Errorf("NO_COLOR view has colour sequence %q", sgr)
		}
	}
	if !strings.Contains(raw, "\x1b[7m") {
		t.Error("NO_COLOR view lost the reverse-video cursor row")
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{press('q'), keyCtrlC} {
		hs := newHarness(t, fixtureSource(), nil, 80, 24)
		hs.keys(keyEnter, k)
		if !hs.quit {
			t.Errorf("%s did not quit from the sequence view", k)
		}
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	src := newFakeSource()
	evil := actor{
		id: "e0110000001-1", name: "\x1b]0;pwned\x07evil", keyPoint: "req.ip",
		ips: []string{"192.0.2.9"}, agents: []string{"\x1b[2Jcurl"},
	}
	src.add(evil, req{start: at(12, 0, 0, 0), method: "GET", path: "/\x1b[31mred", status: 200, durMS: 1})
	hs := newHarness(t, src, nil, 80, 24)
	hs.keys(keyEnter)
	raw := hs.m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x1b[31m"} {
		if strings.Contains(raw, bad) {
			t.Errorf("captured escape sequence %q reached the terminal", bad)
		}
	}
	if !strings.Contains(hs.view(), `\x1b]0;pwned\x07evil`) {
		t.Errorf("escaped actor not shown:\n%s", hs.view())
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestThemeFollowsTerminal(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	hs := newHarness(t, fixtureSource(), nil, 80, 24)
	if !hs.m.theme.Dark || hs.m.theme.Plain {
		t.Fatalf("default theme: dark=%v plain=%v, want dark and coloured", hs.m.theme.Dark, hs.m.theme.Plain)
	}
	hs.send(tea.BackgroundColorMsg{Color: color.White})
	if hs.m.theme.Dark {
		t.Error("a white background kept the dark palette")
	}
	hs.send(tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if !hs.m.theme.Plain || hs.m.theme.Dark {
		t.Errorf("ASCII profile: plain=%v dark=%v, want plain and still light", hs.m.theme.Plain, hs.m.theme.Dark)
	}
	if strings.Contains(hs.m.View().Content, "38;") {
		t.Error("plain theme still renders colours")
	}
}
