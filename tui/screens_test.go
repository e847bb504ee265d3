package tui

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/detail"
)

// sizes are the terminal sizes every screen is pinned at.
var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"160x48", 160, 48}}

// fakeKeys is an in-memory KeyEditor that records what it was asked.
type fakeKeys struct {
	mu         sync.Mutex
	configured []string
	builtin    bool
	previews   int
	applied    []string
}

func (f *fakeKeys) Keys() ([]string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.configured...), f.builtin, nil
}

func (f *fakeKeys) Preview(configured []string, builtin bool) (Preview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previews++
	return Preview{Before: 8, After: 6, Merged: 2, Split: 0}, nil
}

func (f *fakeKeys) Apply(_ context.Context, configured []string, builtin bool, progress func(done, total int)) error {
	progress(50, 100)
	progress(100, 100)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append([]string(nil), configured...)
	f.configured, f.builtin = f.applied, builtin
	return nil
}

// richSource is the fixture with bodies, context and a verdict, so the
// detail tabs and the session header have something to show.
func richSource() *fakeSource {
	src := fixtureSource()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(`{"token":"hmac:5f1d3a","user":{"id":42,"name":"alice"}}`))
	w.Close()
	src.mu.Lock()
	defer src.mu.Unlock()
	x := &src.requests[alice.id][3]
	x.ReqHeaders = append(x.ReqHeaders,
		engine.Header{Name: "Content-Type", Value: "application/json"},
		engine.Header{Name: "Cookie", Value: "hmac:9a8b7c6d5e4f3a2b"})
	x.ReqBody = engine.Body{Data: []byte(`{"username":"alice@example.com","password":"hmac:0c1d2e3f"}`), Size: 58}
	x.RespHeaders = []engine.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Encoding", Value: "gzip"}}
	x.RespBody = engine.Body{Data: gz.Bytes(), Size: int64(gz.Len())}
	x.Context = map[string]string{"req.json.username": "alice@example.com", "req.json.password": "hmac:0c1d2e3f4a5b6c7d"}
	x.Endpoint = "/api/v1/login"
	// The login waits for the Core Rule Set: the tags tab says so, and
	// examined:pending finds it.
	x.Examined = engine.ExaminedTier1 | engine.ExaminedCRSPending
	s := src.sessions[alice.id]
	s.Role = "admin"
	s.Flows = map[string]int{"Auth": 2}
	s.Abuse = []engine.Verdict{{Type: engine.AbuseAccountTakeover, Confidence: 0.72, Detectors: []engine.DetectorResult{
		{Name: "new_ip_after_login", Value: 2, Baseline: 1, Unit: "ips"},
		{Name: "auth_failures", Value: 0.5, Baseline: 0.05, Unit: "share"},
	}}}
	return src
}

func newRich(t *testing.T, w, h int, keys KeyEditor) *harness {
	t.Helper()
	return newRichOptions(t, w, h, Options{Keys: keys})
}

// newRichStats is newRich with a live capture's counters.
func newRichStats(t *testing.T, w, h int, st Stats) *harness {
	t.Helper()
	return newRichOptions(t, w, h, Options{Stats: func() Stats { return st }})
}

func newRichOptions(t *testing.T, w, h int, opts Options) *harness {
	t.Helper()
	hs := &harness{t: t}
	opts.Source, opts.Title = richSource(), testTitle
	if opts.Now == nil {
		opts.Now = fixtureNow
	}
	opts.Export = func(id, format string) ([]byte, error) { return []byte("{}"), nil }
	m := New(opts)
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	m.write = func(path, _ string, _ []byte) (string, error) { return path, nil }
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func TestScreens(t *testing.T) {
	for _, sz := range sizes {
		t.Run("session/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(keyEnter)
			hs.golden()
		})
		t.Run("stats/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(keyEnter, press('s'))
			hs.golden()
		})
		for i, tab := range []string{"request", "response", "tags", "context"} {
			t.Run("detail-"+tab+"/"+sz.name, func(t *testing.T) {
				hs := newRich(t, sz.w, sz.h, nil)
				hs.keys(keyEnter, keyDown, keyDown, keyDown, keyEnter)
				for range i {
					hs.keys(tea.KeyPressMsg{Code: tea.KeyTab})
				}
				if hs.m.focus != focusDetail || hs.m.detail.Tab() != detail.Tab(i) {
					t.Fatalf("focus %d tab %d, want detail tab %d", hs.m.focus, hs.m.detail.Tab(), i)
				}
				hs.golden()
			})
		}
		t.Run("detail-tags-scanner/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(keyDown, keyDown, keyEnter, press('s'), press('l'), press('l'), press('l'), keyEnter, keyEnter,
				tea.KeyPressMsg{Code: tea.KeyTab}, tea.KeyPressMsg{Code: tea.KeyTab})
			hs.golden()
		})
		t.Run("scanner/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(keyDown, keyDown, keyEnter)
			hs.golden()
		})
		t.Run("keys/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, &fakeKeys{configured: []string{"req.header.X-Session-Id", "req.jwt.sub"}, builtin: true})
			hs.keys(press('K'))
			hs.golden()
		})
		t.Run("help/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(press('?'))
			hs.golden()
		})
		t.Run("filter-examined-pending/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(press('f'))
			typeText(hs, "examined:pending")
			hs.keys(keyEnter)
			hs.golden()
		})
		t.Run("status-crs-pending/"+sz.name, func(t *testing.T) {
			hs := newRichStats(t, sz.w, sz.h, Stats{Captured: 2000, CRSPending: 1342, CRSOff: 7})
			hs.golden()
		})
		t.Run("filter-error/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(press('f'))
			typeText(hs, "status:4xx stauts:500")
			hs.keys(keyEnter)
			hs.golden()
		})
		t.Run("search/"+sz.name, func(t *testing.T) {
			hs := newRich(t, sz.w, sz.h, nil)
			hs.keys(press('/'))
			typeText(hs, "sqlmap")
			hs.golden()
		})
	}
}

func typeText(hs *harness, s string) {
	hs.t.Helper()
	for _, r := range s {
		hs.keys(press(r))
	}
}

func TestSearchFindsAndDropsStaleResults(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(press('/'))
	// A result computed for an older query must not replace a newer one.
	stale := hs.m.search.Run(hs.m.sessions.Sessions(), nil)
	typeText(hs, "sqlmap")
	hs.send(stale())
	if hs.m.sessions.Len() != 1 {
		t.Fatalf("search shows %d sessions, want only the scanner", hs.m.sessions.Len())
	}
	s, _ := hs.m.sessions.Selected()
	if s.ID != scanner.id {
		t.Errorf("search selected %s, want the scanner", s.ID)
	}
	hs.keys(keyEnter, keyEnter)
	if hs.m.focus != focusSequence || hs.m.sequence.Session().ID != scanner.id {
		t.Error("enter did not open the found session")
	}
	hs.keys(keyEsc, press('/'), keyEsc)
	if hs.m.sessions.Len() != 8 {
		t.Errorf("esc left %d sessions, want all 8", hs.m.sessions.Len())
	}
}

func TestFilterErrorsToggleAndHistory(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(press('f'))
	typeText(hs, "stauts:500")
	hs.keys(keyEnter)
	if hs.m.input != inputFilter {
		t.Fatal("a filter that does not parse was applied")
	}
	if err := hs.m.filterbar.Err(); err == nil || err.Column() != 1 || !strings.Contains(err.Msg, "did you mean status") {
		t.Fatalf("error = %v, want one at column 1 suggesting status", err)
	}
	lines := strings.Split(hs.view(), "\n")
	caret := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "filter: ") && i+1 < len(lines) {
			caret = strings.Index(lines[i+1], "^")
		}
	}
	if caret != len("filter: ") {
		t.Errorf("caret at %d, want under column 1 of the text (%d)", caret, len("filter: "))
	}
	for range len("stauts:500") {
		hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(hs, "status:5xx")
	hs.keys(keyEnter)
	if hs.m.sessions.Len() != 2 {
		t.Fatalf("status:5xx shows %d sessions, want alice and the scanner", hs.m.sessions.Len())
	}
	hs.keys(press('t'))
	if hs.m.sessions.Len() != 8 {
		t.Errorf("t left %d sessions, want the filter off", hs.m.sessions.Len())
	}
	hs.keys(press('t'))
	if hs.m.sessions.Len() != 2 {
		t.Errorf("second t shows %d sessions, want the filter back on", hs.m.sessions.Len())
	}
	// History: up recalls the last applied filter.
	hs.keys(press('f'))
	for range len("status:5xx") {
		hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	hs.keys(tea.KeyPressMsg{Code: tea.KeyUp})
	if got := hs.m.filterbar.Value(); got != "status:5xx" {
		t.Errorf("up recalled %q, want status:5xx", got)
	}
	hs.keys(keyEsc)
}

func TestTimeRangePreset(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.m.now = func() time.Time { return at(10, 5, 0, 0) }
	hs.keys(press('1'))
	if got := hs.m.filter.effective(); got != "since:15m" {
		t.Fatalf("preset 1 gave %q", got)
	}
	// 15 minutes before 10:05 is 09:50; alice, bob and the scanner (last
	// seen 09:50:39) remain.
	if hs.m.sessions.Len() != 3 {
		t.Errorf("since:15m shows %d sessions, want 3", hs.m.sessions.Len())
	}
	hs.keys(press('4'))
	if hs.m.sessions.Len() != 8 {
		t.Errorf("all time shows %d sessions, want 8", hs.m.sessions.Len())
	}
}

func TestKeyEditorReorderPreviewApply(t *testing.T) {
	keys := &fakeKeys{configured: []string{"req.header.X-Session-Id", "req.jwt.sub"}, builtin: true}
	hs := newRich(t, 80, 24, keys)
	hs.keys(press('K'))
	if hs.m.focus != focusKeys {
		t.Fatal("K did not open the key editor")
	}
	hs.keys(press('j'), press('K')) // move req.jwt.sub above the session header
	if got, _ := hs.m.keyeditor.Configured(); strings.Join(got, ",") != "req.jwt.sub,req.header.X-Session-Id" {
		t.Fatalf("after K the keys are %v", got)
	}
	hs.keys(press('a'))
	typeText(hs, "req.bogus")
	hs.keys(keyEnter)
	if !strings.Contains(hs.view(), "req.bogus") || !hs.m.keyeditor.Typing() {
		t.Fatal("an invalid key was accepted")
	}
	for range len("req.bogus") {
		hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(hs, "req.cookie.sid")
	hs.keys(keyEnter)
	hs.keys(press('p'))
	if !strings.Contains(hs.view(), "preview: 8 sessions → 6 · 2 merged · 0 split") {
		t.Fatalf("preview not shown:\n%s", hs.view())
	}
	hs.keys(press('A'))
	if strings.Join(keys.applied, ",") != "req.jwt.sub,req.cookie.sid,req.header.X-Session-Id" {
		t.Errorf("applied %v", keys.applied)
	}
	if !strings.Contains(hs.view(), "grouping keys applied") {
		t.Errorf("no notice after apply:\n%s", hs.view())
	}
}

func TestKeyEditorDisabled(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(press('K'))
	if hs.m.focus == focusKeys || !strings.Contains(hs.view(), "key editor needs") {
		t.Error("K without a key editor did not say why")
	}
}

func TestCopyAndExport(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(keyEnter, keyDown, keyDown, keyDown)
	hs.keys(press('y'))
	if !strings.Contains(hs.view(), "copied request as curl") {
		t.Error("y did not copy")
	}
	hs.keys(press('e'))
	if !strings.Contains(hs.view(), "export har to:") {
		t.Errorf("e did not ask where to export:\n%s", hs.view())
	}
	hs.keys(keyEnter)
	if !strings.Contains(hs.view(), "exported to") {
		t.Errorf("enter did not export:\n%s", hs.view())
	}
}

// slowKeys is a KeyEditor whose apply reports some progress and then
// waits, so that a test can look at the editor mid-regroup.
type slowKeys struct {
	fakeKeys
	release chan struct{}
}

func (s *slowKeys) Apply(ctx context.Context, configured []string, builtin bool, progress func(done, total int)) error {
	progress(450, 1200)
	<-s.release
	return s.fakeKeys.Apply(ctx, configured, builtin, progress)
}

// TestKeyEditorProgress pins the regroup's progress bar: the editor shows
// the bar at the fraction the store reported while the regroup runs.
func TestKeyEditorProgress(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			keys := &slowKeys{fakeKeys: fakeKeys{configured: []string{"req.jwt.sub"}, builtin: true}, release: make(chan struct{})}
			hs := newRich(t, sz.w, sz.h, keys)
			hs.keys(press('K'))
			// Step by hand: the harness would wait for the regroup to end.
			next, cmd := hs.m.Update(press('A'))
			hs.m = next.(Model)
			next, cmd = hs.m.Update(cmd())
			hs.m = next.(Model)
			view := hs.view()
			if !strings.Contains(view, "regrouping") || !strings.Contains(view, "38%") || !strings.Contains(view, "450/1200 exchanges") {
				t.Errorf("no progress bar at 38%%:\n%s", view)
			}
			hs.golden()
			close(keys.release)
			hs.run(cmd)
			if !strings.Contains(hs.view(), "grouping keys applied") {
				t.Errorf("the regroup did not finish:\n%s", hs.view())
			}
		})
	}
}
