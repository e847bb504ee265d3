package traffic

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/theme"
)

func at(m, s int) time.Time { return time.Date(2026, 11, 24, 10, m, s, 0, time.UTC) }

// pages is a paged source that counts the exchanges it hands out.
type pages struct {
	mu   sync.Mutex
	xs   map[string][]engine.Exchange
	read int
}

func (p *pages) Requests(id string) ([]engine.Exchange, error) {
	return p.RequestsPage(id, 0, 1<<30)
}

func (p *pages) RequestsPage(id string, after uint64, limit int) ([]engine.Exchange, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []engine.Exchange
	for _, x := range p.xs[id] {
		if x.ID > after && len(out) < limit {
			out = append(out, x)
		}
	}
	p.read += len(out)
	return out, nil
}

func (p *pages) add(id string, x engine.Exchange) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x.ID = uint64(1000 + len(p.xs[id]))
	p.xs[id] = append(p.xs[id], x)
}

func (p *pages) session(id string) engine.Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	xs := p.xs[id]
	s := engine.Session{ID: id, FirstSeen: xs[0].Start, LastSeen: xs[len(xs)-1].Start, Requests: len(xs), StatusCounts: map[int]int{}}
	for _, x := range xs {
		s.StatusCounts[x.Status]++
	}
	return s
}

func run(t *testing.T, m Model, list []engine.Session) Model {
	t.Helper()
	cmd := m.Refresh(list, list)
	for cmd != nil {
		m, cmd = m.Update(cmd())
	}
	return m
}

func TestStripReadsOnlyWhatSessionsGained(t *testing.T) {
	src := &pages{xs: map[string][]engine.Exchange{}}
	for i := range 10 {
		src.add("a", engine.Exchange{Start: at(i, 0), Status: 200})
	}
	src.add("b", engine.Exchange{Start: at(0, 0), Status: 500})
	src.add("b", engine.Exchange{Start: at(9, 0), Status: 200, Attacks: []engine.AttackTag{{Type: "sqli"}}})
	m := New(theme.New(true, true), src)
	m.SetSize(80, 20)
	m = run(t, m, []engine.Session{src.session("a"), src.session("b")})
	if src.read != 12 {
		t.Fatalf("first load read %d exchanges, want 12", src.read)
	}
	s := m.Series()
	if Total(s.Counts) != 12 || Total(s.Errors) != 1 || Total(s.Attacks) != 1 || s.Estimated {
		t.Fatalf("series = %d req %d err %d atk estimated %v", Total(s.Counts), Total(s.Errors), Total(s.Attacks), s.Estimated)
	}
	if s.Errors[0] != 1 || s.Attacks[len(s.Attacks)-1] != 1 {
		t.Errorf("error not in the first bucket or attack not in the last: %v %v", s.Errors, s.Attacks)
	}
	src.add("a", engine.Exchange{Start: at(10, 0), Status: 404})
	m = run(t, m, []engine.Session{src.session("a"), src.session("b")})
	if src.read != 13 {
		t.Errorf("a refresh read %d exchanges, want only the new one", src.read-12)
	}
	if s := m.Series(); Total(s.Counts) != 13 || !s.End.Equal(at(10, 0)) {
		t.Errorf("after the refresh: %d requests up to %v", Total(s.Counts), s.End)
	}
}

func TestStripEstimatesUnreadSessions(t *testing.T) {
	var tl tally
	tl.sessions = map[string]*track{}
	list := []engine.Session{{ID: "x", FirstSeen: at(0, 0), LastSeen: at(9, 59), Requests: 100,
		StatusCounts: map[int]int{200: 90, 503: 10}, Attacks: map[string]int{"xss": 3}}}
	s := tl.series(list, 10)
	if !s.Estimated || Total(s.Counts) != 100 || Total(s.Errors) != 10 || Total(s.Attacks) != 3 {
		t.Fatalf("estimate %+v", s)
	}
	for i, c := range s.Counts {
		if c != 10 {
			t.Errorf("bucket %d holds %d, want an even 10", i, c)
		}
	}
}

func TestStripDegrades(t *testing.T) {
	src := &pages{xs: map[string][]engine.Exchange{}}
	src.add("a", engine.Exchange{Start: at(0, 0), Status: 200})
	src.add("a", engine.Exchange{Start: at(5, 0), Status: 403, Attacks: []engine.AttackTag{{Type: "sqli"}}})
	src.add("a", engine.Exchange{Start: at(9, 0), Status: 502})
	for _, tc := range []struct {
		w, h, lines int
		want        []string
	}{
		{120, 30, 2, []string{"3 req 2 err 1 atk", "10:00", "! attack × error", "!", "×"}},
		{80, 12, 1, []string{"traffic", "!", "3 req"}},
		{40, 20, 2, []string{"10:09"}},
		{80, 9, 0, nil},
		{29, 40, 0, nil},
	} {
		m := New(theme.New(true, true), src)
		m.SetSize(tc.w, tc.h)
		m = run(t, m, []engine.Session{src.session("a")})
		if m.Height() != tc.lines {
			t.Errorf("%dx%d: %d lines, want %d", tc.w, tc.h, m.Height(), tc.lines)
			continue
		}
		view := ansi.Strip(m.View())
		if tc.lines == 0 {
			if view != "" {
				t.Errorf("%dx%d: hidden strip drew %q", tc.w, tc.h, view)
			}
			continue
		}
		lines := strings.Split(view, "\n")
		if len(lines) != tc.lines {
			t.Errorf("%dx%d: %d lines drawn, want %d", tc.w, tc.h, len(lines), tc.lines)
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > tc.w {
				t.Errorf("%dx%d: line %q is %d wide", tc.w, tc.h, l, w)
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(view, w) {
				t.Errorf("%dx%d: %q lacks %q", tc.w, tc.h, view, w)
			}
		}
	}
}

func TestStripDropsLoadAfterReset(t *testing.T) {
	src := &pages{xs: map[string][]engine.Exchange{}}
	src.add("a", engine.Exchange{Start: at(0, 0), Status: 200})
	m := New(theme.New(true, true), src)
	m.SetSize(80, 20)
	cmd := m.Refresh([]engine.Session{src.session("a")}, []engine.Session{src.session("a")})
	m.Reset()
	m, cmd = m.Update(cmd())
	if cmd == nil {
		t.Fatal("a reset during a load did not load again")
	}
	m, _ = m.Update(cmd())
	if Total(m.Series().Counts) != 1 {
		t.Errorf("after the reset the strip shows %d requests", Total(m.Series().Counts))
	}
}

// TestStripFollowsWhatIsShown checks that a narrowed list (a search, the
// MCP tab) narrows the strip, and that widening it again costs no second
// read of what was read while it was hidden.
func TestStripFollowsWhatIsShown(t *testing.T) {
	src := &pages{xs: map[string][]engine.Exchange{}}
	for i := range 10 {
		src.add("a", engine.Exchange{Start: at(i, 0), Status: 200})
	}
	src.add("b", engine.Exchange{Start: at(20, 0), Status: 500})
	src.add("b", engine.Exchange{Start: at(29, 0), Status: 200, Attacks: []engine.AttackTag{{Type: "sqli"}}})
	m := New(theme.New(true, true), src)
	m.SetSize(80, 20)
	loaded := []engine.Session{src.session("a"), src.session("b")}
	refresh := func(shown ...engine.Session) {
		cmd := m.Refresh(loaded, shown)
		for cmd != nil {
			m, cmd = m.Update(cmd())
		}
	}
	refresh(loaded...)
	if s := m.Series(); Total(s.Counts) != 12 || Total(s.Attacks) != 1 {
		t.Fatalf("all shown: %d req %d atk", Total(s.Counts), Total(s.Attacks))
	}
	refresh(loaded[1])
	s := m.Series()
	if Total(s.Counts) != 2 || Total(s.Errors) != 1 || Total(s.Attacks) != 1 || !s.Start.Equal(at(20, 0)) || !s.End.Equal(at(29, 0)) {
		t.Errorf("b shown: %d req %d err %d atk over %v–%v, want 2, 1, 1 over b's span", Total(s.Counts), Total(s.Errors), Total(s.Attacks), s.Start, s.End)
	}
	if !strings.Contains(ansi.Strip(m.View()), "2 req 1 err 1 atk") {
		t.Errorf("the strip's totals are not b's:\n%s", ansi.Strip(m.View()))
	}
	refresh()
	if got := strings.TrimSpace(ansi.Strip(m.View())); got != "" {
		t.Errorf("nothing shown, the strip draws %q", got)
	}
	read := src.read
	refresh(loaded...)
	if src.read != read || Total(m.Series().Counts) != 12 {
		t.Errorf("widening again read %d exchanges and counts %d, want 0 and 12", src.read-read, Total(m.Series().Counts))
	}
}
