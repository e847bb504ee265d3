package tui

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui/filterbar"
)

// crowd returns the actor of the i-th session of a crowd: IDs and names
// that sort and read in order.
func crowd(i int) actor {
	return actor{
		id: fmt.Sprintf("c%011d-1", i), name: fmt.Sprintf("client-%04d", i), keyPoint: "req.header.X-Client",
		ips: []string{fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)}, agents: []string{"curl/8.11.0"},
	}
}

// crowdSource holds n one-request sessions on the fixture day, client-0000
// the most recently active, one second apart.
func crowdSource(n int) *fakeSource {
	src := newFakeSource()
	for i := range n {
		src.add(crowd(i), req{start: at(11, 0, 0, 0).Add(-durSeconds(i)), method: "GET", path: "/api/v1/items", status: 200, durMS: 3})
	}
	return src
}

// countingSource is a fake source that counts its sessions cheaply and
// reads the end of its order, as the store does. Its sessions do not
// change: it serves pages from one sorted copy, so that paging through
// thousands of sessions stays quick under -race.
type countingSource struct {
	*fakeSource
	all []engine.Session
}

func newCountingSource(f *fakeSource) countingSource {
	all, _ := f.Sessions(0)
	return countingSource{fakeSource: f, all: all}
}

func (c countingSource) Sessions(limit int) ([]engine.Session, error) {
	if limit <= 0 || limit > len(c.all) {
		limit = len(c.all)
	}
	return c.all[:limit], nil
}

// SessionsPage pages the sorted copy by position, as fakeSource does.
func (c countingSource) SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error) {
	from := 0
	if token != "" {
		var err error
		if from, err = strconv.Atoi(string(token)); err != nil {
			return nil, "", err
		}
	}
	from = min(from, len(c.all))
	to := min(from+limit, len(c.all))
	var next store.PageToken
	if to < len(c.all) {
		next = store.PageToken(strconv.Itoa(to))
	}
	return c.all[from:to], next, nil
}

func (c countingSource) Count() (exchanges, sessions int, err error) {
	return len(c.all), len(c.all), nil
}

func (c countingSource) OldestSessions(limit int) ([]engine.Session, error) {
	return c.all[max(len(c.all)-limit, 0):], nil
}

// arrive adds a new session that is the most recently active one, as a
// capture would.
func arrive(src *fakeSource, k int) {
	a := actor{
		id: fmt.Sprintf("ae%010d-1", k), name: fmt.Sprintf("newcomer-%02d", k), keyPoint: "req.ip",
		ips: []string{"198.51.100.9"}, agents: []string{"okhttp/4.12.0"},
	}
	src.add(a, req{start: at(11, 30, 0, 0).Add(time.Duration(k) * 100 * time.Millisecond), method: "POST", path: "/api/v1/cart", status: 201, durMS: 12})
}

// firstVisible is the ID of the session on the list's first visible row.
func firstVisible(hs *harness) string {
	v := hs.m.sessions.Visible()
	if len(v) == 0 {
		return ""
	}
	return v[0].ID
}

func selectedID(hs *harness) string {
	s, _ := hs.m.sessions.Selected()
	return s.ID
}

// TestLiveListStaysPut drives the harness through the RefreshMsg path
// with a new session every 100 ms of capture: the cursor stays on its
// session and the first visible row on its session, at both sizes.
func TestLiveListStaysPut(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := crowdSource(120)
			hs := newHarness(t, src, nil, sz.w, sz.h)
			hs.keys(keyPgDn, press('j'), press('j'))
			cursor, top := selectedID(hs), firstVisible(hs)
			if top == crowd(0).id || cursor == top {
				t.Fatalf("set-up: the window should start below the first row, with the cursor inside it (top %s, cursor %s)", top, cursor)
			}
			for k := range 20 {
				arrive(src, k)
				hs.refresh()
				if got := selectedID(hs); got != cursor {
					t.Fatalf("after %d new sessions the cursor is on %s, want %s", k+1, got, cursor)
				}
				if got := firstVisible(hs); got != top {
					t.Fatalf("after %d new sessions the first visible row is %s, want %s", k+1, got, top)
				}
			}
			if !strings.Contains(lastLine(hs.view()), "/140 sessions") {
				t.Errorf("the status bar does not count the newcomers: %q", lastLine(hs.view()))
			}
			hs.golden()
		})
	}
}

// TestLiveListStaysPutInAProgram runs the model in a real program while
// a goroutine adds a session and sends RefreshMsg every 100 ms, as cmd
// does after each commit, with the real coalescing timers.
func TestLiveListStaysPutInAProgram(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := crowdSource(120)
			tm := teatest.NewTestModel(t, New(Options{Source: src, Title: testTitle, Now: fixtureNow}), teatest.WithInitialTermSize(sz.w, sz.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "client-0003") },
				teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			// Page down and move two rows, as in the harness test: the
			// window starts at row rows-1 and the cursor is two rows in.
			tm.Send(tea.KeyPressMsg{Code: tea.KeyPgDown})
			tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})
			tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for k := range 15 {
					<-tick.C
					arrive(src, k)
					tm.Send(RefreshMsg{})
				}
			}()
			wg.Wait()
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "/135") },
				teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
			final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
			if !ok {
				t.Fatal("final model is not a tui.Model")
			}
			// The harness at the same size, with the same keys and no
			// newcomers, says where the cursor and the window were.
			want := newHarness(t, crowdSource(120), nil, sz.w, sz.h)
			want.keys(keyPgDn, press('j'), press('j'))
			if got, want := final.sessions.Visible()[0].ID, firstVisible(want); got != want {
				t.Errorf("first visible row is %s, want %s", got, want)
			}
			s, _ := final.sessions.Selected()
			if s.ID != selectedID(want) {
				t.Errorf("cursor on %s, want %s", s.ID, selectedID(want))
			}
			hs := &harness{t: t, m: final}
			hs.golden()
		})
	}
}

// TestFollowingShowsNewSessions: with the cursor on the first row at the
// top the list follows, so the newest session is the cursor's and the
// first row is on screen, after g, after a sort and after a filter that
// follows G.
func TestFollowingShowsNewSessions(t *testing.T) {
	src := crowdSource(60)
	hs := newHarness(t, src, nil, 80, 24)
	hs.keys(press('G'), press('g'))
	for k := range 5 {
		arrive(src, k)
		hs.refresh()
		if got, want := selectedID(hs), fmt.Sprintf("ae%010d-1", k); got != want {
			t.Fatalf("following: cursor on %s, want the newest, %s", got, want)
		}
		if firstVisible(hs) != selectedID(hs) {
			t.Fatalf("following: the first row %s is scrolled off above %s", selectedID(hs), firstVisible(hs))
		}
	}
	if !strings.Contains(lastLine(hs.view()), "following") {
		t.Errorf("the status bar does not say the list follows: %q", lastLine(hs.view()))
	}

	// G, then a filter: the new result is read from its top.
	hs.keys(press('G'))
	hs.send(filterbar.AppliedMsg{Expr: "path:/api/v1/items"})
	if hs.m.sessions.Index() != 0 || firstVisible(hs) != crowd(0).id {
		t.Errorf("after G and a filter the list shows row %d, first visible %s", hs.m.sessions.Index(), firstVisible(hs))
	}
}

// TestJLandsOnTheRowShownBelow: after a re-sort between two frames, j
// goes to the row the last frame showed below the cursor.
func TestJLandsOnTheRowShownBelow(t *testing.T) {
	src := crowdSource(40)
	hs := newHarness(t, src, nil, 80, 24)
	hs.keys(press('j'), press('j'), press('j'), press('j'))
	for round := range 6 {
		// Sessions around the cursor come back to life and jump to the
		// top: the rows below the cursor change.
		for _, i := range []int{5 + round, 2, 30 - round} {
			src.add(crowd(i), req{start: at(11, 40, round, i), method: "GET", path: "/api/v1/items", status: 200, durMS: 2})
		}
		hs.refresh()
		v := hs.m.sessions.Visible()
		row := indexOf(v, selectedID(hs))
		if row < 0 || row+1 >= len(v) {
			t.Fatalf("round %d: the cursor is on visible row %d of %d", round, row, len(v))
		}
		below := v[row+1].ID
		if !strings.Contains(hs.view(), src.sessions[below].Actor) {
			t.Fatalf("round %d: %s is not on screen", round, below)
		}
		hs.keys(press('j'))
		if got := selectedID(hs); got != below {
			t.Fatalf("round %d: j landed on %s, the frame showed %s below the cursor", round, got, below)
		}
	}
}

func indexOf(list []engine.Session, id string) int {
	for i := range list {
		if list[i].ID == id {
			return i
		}
	}
	return -1
}

// TestPauseHoldsUpdates: space freezes the rows and the status bar counts
// the sessions waiting; space again applies them.
func TestPauseHoldsUpdates(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := fixtureSource()
			hs := newHarness(t, src, nil, sz.w, sz.h)
			hs.keys(press(' '))
			before := hs.m.sessions.Sessions()
			arrive(src, 1)
			arrive(src, 2)
			src.add(bob, req{start: at(11, 0, 0, 0), method: "GET", path: "/api/v1/cart", status: 200, durMS: 20, respBytes: 900})
			hs.refresh()
			if got := hs.m.sessions.Sessions(); len(got) != len(before) || got[0].ID != before[0].ID || got[1].Requests != before[1].Requests {
				t.Fatalf("a paused list changed: %d rows, first %s", len(got), got[0].ID)
			}
			if !strings.Contains(lastLine(hs.view()), "paused · 3 updates waiting") {
				t.Errorf("status bar: %q", lastLine(hs.view()))
			}
			hs.golden()

			hs.keys(press('p'))
			if hs.m.sessions.Paused() || hs.m.sessions.Len() != 10 {
				t.Fatalf("resuming shows %d sessions (paused %v), want 10", hs.m.sessions.Len(), hs.m.sessions.Paused())
			}
			if s := hs.m.sessions.Sessions()[0]; s.ID != fmt.Sprintf("ae%010d-1", 2) {
				t.Errorf("after resuming the first session is %s", s.ID)
			}
		})
	}
}

// TestPagingPastAThousand: a store of 2,500 sessions shows its true
// total, scrolling past the first page loads the next, and G goes to the
// real last session.
func TestPagingPastAThousand(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := newCountingSource(crowdSource(2500))
			hs := newHarness(t, src, nil, sz.w, sz.h)
			if got := hs.m.sessions.Len(); got != sessionLimit {
				t.Fatalf("first load holds %d sessions, want one page of %d", got, sessionLimit)
			}
			if !strings.HasPrefix(lastLine(hs.view()), " 1/2,500 sessions") {
				t.Errorf("status bar: %q", lastLine(hs.view()))
			}
			for hs.m.sessions.Index() < 1100 {
				hs.keys(keyPgDn)
			}
			if got := hs.m.sessions.Len(); got != 2*sessionLimit {
				t.Errorf("scrolling past row 1,000 holds %d sessions, want %d", got, 2*sessionLimit)
			}
			s, _ := hs.m.sessions.Selected()
			if want := fmt.Sprintf("client-%04d", hs.m.sessions.Index()); s.Actor != want {
				t.Errorf("row %d shows %s, want %s", hs.m.sessions.Index(), s.Actor, want)
			}
			hs.golden()

			hs.keys(press('G'))
			hs.fire() // the page that was loading when G came closes its window
			if s, _ := hs.m.sessions.Selected(); s.Actor != "client-2499" {
				t.Errorf("G went to %s, want client-2499", s.Actor)
			}
			if !strings.HasPrefix(lastLine(hs.view()), " 2,500/2,500 sessions") {
				t.Errorf("status bar: %q", lastLine(hs.view()))
			}
			if got := hs.m.sessions.Len(); got != sessionLimit {
				t.Errorf("G holds %d sessions, want the last page of %d", got, sessionLimit)
			}
			t.Run("last", func(t *testing.T) { (&harness{t: t, m: hs.m}).golden() })

			// Up past the top of the last page: the page before loads,
			// and the rows keep their numbers.
			for hs.m.sessions.Index() > 0 && hs.m.sessions.Len() == sessionLimit {
				hs.keys(tea.KeyPressMsg{Code: tea.KeyPgUp})
			}
			if got := hs.m.sessions.Len(); got != 2*sessionLimit {
				t.Errorf("scrolling up the last page holds %d sessions, want %d", got, 2*sessionLimit)
			}
			s, _ = hs.m.sessions.Selected()
			var n int
			fmt.Sscanf(s.Actor, "client-%d", &n)
			if want := " " + human.Count(n+1) + "/2,500 sessions"; !strings.HasPrefix(lastLine(hs.view()), want) {
				t.Errorf("status bar %q on %s, want %q", lastLine(hs.view()), s.Actor, want)
			}
			hs.keys(press('g'))
			hs.fire()
			if s, _ := hs.m.sessions.Selected(); s.Actor != "client-0000" || !strings.HasPrefix(lastLine(hs.view()), " 1/2,500 sessions") {
				t.Errorf("g went to %s: %q", s.Actor, lastLine(hs.view()))
			}
		})
	}
}

// TestPagingWithoutACount: a source that cannot count says "+" until
// the last page is read.
func TestPagingWithoutACount(t *testing.T) {
	hs := newHarness(t, crowdSource(1500), nil, 80, 24)
	if !strings.HasPrefix(lastLine(hs.view()), " 1/1,000+ sessions") {
		t.Errorf("status bar: %q", lastLine(hs.view()))
	}
	hs.keys(press('G'))
	hs.fire()
	if s, _ := hs.m.sessions.Selected(); s.Actor != "client-1499" {
		t.Errorf("G went to %s, want client-1499", s.Actor)
	}
	if !strings.HasPrefix(lastLine(hs.view()), " 1,500/1,500 sessions") {
		t.Errorf("status bar: %q", lastLine(hs.view()))
	}
}

// TestSortAndReverse: s moves the sort to the next column, r reverses it,
// the header marks the column and the status bar names the order.
func TestSortAndReverse(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newHarness(t, fixtureSource(), nil, sz.w, sz.h)
			hs.keys(press('j'))
			for range 5 { // DUR, ACTOR, ROLE, IP, REQS
				hs.keys(press('s'))
			}
			if s, _ := hs.m.sessions.Selected(); s.ID != bob.id {
				t.Errorf("sorting away from the first row moved the cursor off bob to %s", s.ID)
			}
			hs.keys(press('g'))
			if s, _ := hs.m.sessions.Selected(); s.ID != stuffer.id {
				t.Errorf("by requests the first session is %s, want the stuffer", s.ID)
			}
			view := hs.view()
			if !strings.Contains(view, "REQS▼") || !strings.Contains(lastLine(view), "by requests ▼") {
				t.Errorf("the header or the status bar does not mark the sort:\n%s", view)
			}
			t.Run("requests", func(t *testing.T) { (&harness{t: t, m: hs.m}).golden() })

			hs.keys(press('S'))
			if s, _ := hs.m.sessions.Selected(); s.Requests != 1 {
				t.Errorf("reversed by requests the first session has %d requests, want 1", s.Requests)
			}
			if !strings.Contains(hs.view(), "REQS▲") {
				t.Error("the header does not mark the reversed sort")
			}
			t.Run("reversed", func(t *testing.T) { (&harness{t: t, m: hs.m}).golden() })
		})
	}
}

// formatSource holds sessions whose numbers and dates need formatting:
// thousands of requests, a 2015 log, a session earlier this year and one
// of today.
func formatSource() *fakeSource {
	src := newFakeSource()
	busy := make([]req, 0, 3550)
	for i := range 3550 {
		status := 200
		if i%7 == 0 {
			status = 404
		}
		if i%1000 == 0 {
			status = 503
		}
		busy = append(busy, req{start: at(11, 0, 0, 0).Add(time.Duration(i) * 10 * time.Millisecond), method: "GET", path: "/api/v1/items", status: status, durMS: 37.8})
	}
	src.add(actor{id: "b05700000001-1", name: "crawler-7", keyPoint: "req.ip", ips: []string{"192.0.2.200"}, agents: []string{"crawler/2.0"},
		attacks: map[string]int{"path_traversal": 1204}}, busy...)
	src.add(actor{id: "0ld000000001-1", name: "198.51.100.15", keyPoint: "req.ip", ips: []string{"198.51.100.15"}, agents: []string{"Mozilla/4.0"}},
		req{start: time.Date(2015, 3, 4, 21, 5, 21, 0, time.UTC), method: "GET", path: "/index.php", status: 200, durMS: 12},
		req{start: time.Date(2015, 3, 4, 21, 5, 59, 0, time.UTC), method: "GET", path: "/login.php", status: 200, durMS: 8})
	src.add(actor{id: "ma7000000001-1", name: "mar-user", user: "maria", keyPoint: "req.jwt.sub", ips: []string{"203.0.113.40"}, agents: []string{"ShopApp/7.2"}},
		req{start: time.Date(2026, 3, 4, 21, 5, 0, 0, time.UTC), method: "GET", path: "/api/v1/me", status: 200, durMS: 5},
		req{start: time.Date(2026, 3, 4, 21, 5, 0, 37_801_512, time.UTC), method: "GET", path: "/api/v1/me", status: 200, durMS: 5})
	return src
}

// TestFormattedNumbersAndDates: counts with separators, durations people
// read, and LAST SEEN with the date when it is not today.
func TestFormattedNumbersAndDates(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newHarness(t, formatSource(), func() Stats { return Stats{Captured: 1_234_567, CRSPending: 3550} }, sz.w, sz.h)
			view := hs.view()
			for _, want := range []string{"3,550", "37.8 ms", "2015-03-04", "Mar 04 21:05", "1,234,567 captured", "11:00:35"} {
				if !strings.Contains(view, want) {
					t.Errorf("the list does not show %q", want)
				}
			}
			for _, bad := range []string{"e+0", "37.801512ms", "3550"} {
				if strings.Contains(view, bad) {
					t.Errorf("the list shows %q", bad)
				}
			}
			hs.golden()
		})
	}
}
