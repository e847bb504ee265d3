package tui

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/spoorhq/spoor/engine/inventory"
)

// fakeInventory is an in-memory EndpointSource that counts its reads.
type fakeInventory struct {
	mu    sync.Mutex
	rows  []inventory.Endpoint
	calls int
}

func (f *fakeInventory) Endpoints(context.Context) ([]inventory.Endpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return slices.Clone(f.rows), nil
}

func (f *fakeInventory) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// dist is a latency distribution over inventory.LatencyBounds: counts of
// requests of at most 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 ms
// and slower.
func dist(counts ...int64) []int64 {
	out := make([]int64, len(inventory.LatencyBounds())+1)
	copy(out, counts)
	return out
}

// endpoint is a fixture row on the fixture host.
func endpoint(method, template, spec string, reqs, sessions, users int64, status map[int]int64, p50, p95, p99 float64, d []int64, last time.Time) inventory.Endpoint {
	return inventory.Endpoint{
		Method: method, Host: "api.example.test", Template: template, SpecStatus: spec,
		Requests: reqs, Sessions: sessions, Users: users, StatusCounts: status,
		Latency: inventory.Latency{P50: p50, P95: p95, P99: p99}, Distribution: d,
		FirstSeen: at(8, 0, 0, 0), LastSeen: last,
	}
}

// inventoryRows is the inventory of fixtureSource's traffic against a
// spec that documents most of it, has no /api/v1/users listing (shadow),
// deprecates the report export (zombie) and lists /api/v1/orders/{id}
// without DELETE (undocumented method).
func inventoryRows() []inventory.Endpoint {
	login := endpoint("POST", "/api/v1/login", inventory.Documented, 123, 3, 2, map[int]int64{200: 2, 401: 121}, 55, 55, 55, dist(0, 0, 0, 0, 0, 123), at(10, 0, 9, 120))
	login.Attacks = map[string]int64{}
	users := endpoint("GET", "/api/v1/users", inventory.Shadow, 40, 1, 0, map[int]int64{200: 10, 403: 10, 404: 10, 500: 10}, 4, 4, 4, dist(0, 0, 40), at(9, 50, 39, 0))
	users.Attacks = map[string]int64{"sqli": 14}
	users.SpecReason = "not in shop.yaml"
	export := endpoint("GET", "/api/v1/reports/export", inventory.Zombie, 1, 1, 1, map[int]int64{502: 1}, 30000, 30000, 30000, dist(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), at(10, 2, 30, 500))
	export.SpecReason = "deprecated in shop.yaml"
	del := endpoint("DELETE", "/api/v1/orders/{id}", inventory.UndocumentedMethod, 1, 1, 1, map[int]int64{403: 1}, 9, 9, 9, dist(0, 0, 0, 1), at(10, 2, 3, 0))
	return []inventory.Endpoint{
		login, users, export, del,
		endpoint("GET", "/api/v1/orders", inventory.Documented, 1, 1, 1, map[int]int64{200: 1}, 95, 95, 95, dist(0, 0, 0, 0, 0, 0, 1), at(10, 0, 47, 900)),
		endpoint("GET", "/api/v1/users/{id}", inventory.Documented, 1, 1, 1, map[int]int64{200: 1}, 12, 12, 12, dist(0, 0, 0, 0, 1), at(10, 0, 12, 300)),
		endpoint("GET", "/api/v1/me", inventory.Documented, 1, 1, 1, map[int]int64{200: 1}, 7, 7, 7, dist(0, 0, 0, 1), at(10, 4, 5, 0)),
		endpoint("POST", "/api/v1/upload", inventory.Shadow, 1, 1, 1, map[int]int64{0: 1}, 1200, 1200, 1200, dist(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), at(10, 3, 1, 0)),
		endpoint("GET", "/api/v1/cart", inventory.Documented, 1, 1, 1, map[int]int64{200: 1}, 22, 22, 22, dist(0, 0, 0, 0, 0, 1), at(9, 58, 1, 0)),
		endpoint("POST", "/api/v1/cart/items", inventory.Documented, 1, 1, 1, map[int]int64{201: 1}, 31, 31, 31, dist(0, 0, 0, 0, 0, 1), at(10, 3, 59, 0)),
		endpoint("GET", "/api/v2/feed", inventory.Documented, 1, 1, 0, map[int]int64{200: 1}, 140, 140, 140, dist(0, 0, 0, 0, 0, 0, 0, 1), at(9, 31, 0, 0)),
		endpoint("POST", "/mcp", inventory.Documented, 2, 1, 0, map[int]int64{200: 2}, 18, 250, 250, dist(0, 0, 0, 0, 1, 0, 0, 0, 1), at(9, 21, 0, 0)),
		endpoint("GET", "/healthz", inventory.Documented, 1, 1, 0, map[int]int64{200: 1}, 0.2, 0.2, 0.2, dist(1), at(8, 0, 0, 0)),
	}
}

// newInventoryHarness is newHarness with an inventory, nil for none.
func newInventoryHarness(t *testing.T, src SessionSource, inv EndpointSource, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: src, Title: testTitle, Now: fixtureNow, Endpoints: inv})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// TestEndpointsView pins the endpoints view at 80×24 and 160×48: the
// busiest endpoints first, every spec status, the percentiles as numbers
// and the distribution bar.
func TestEndpointsView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: inventoryRows()}, sz.w, sz.h)
			hs.keys(press('I'))
			v := hs.view()
			mustContain(t, v, "METHOD", "ENDPOINT", "SPEC", "REQS▼", "P95", "shadow", "zombie", "undoc method", "documented",
				"30 s", "55 ms", "1/13 endpoints")
			if first := rowAfter(v, "METHOD"); !strings.Contains(first, "/api/v1/login") {
				t.Errorf("first row %q, want the busiest endpoint, POST /api/v1/login", first)
			}
			if sz.w >= 160 {
				mustContain(t, v, "/api/v1/reports/export", "P50", "P99", "LATENCY", "SESS", "USERS", "14 sqli", "98%", "ATTACKS", "LAST SEEN")
			}
			hs.golden()
		})
	}
}

// rowAfter is the line after the first one that contains title.
func rowAfter(view, title string) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if strings.Contains(l, title) && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

// TestEndpointsSortAndSearch checks that s cycles the sort, r reverses
// it and / narrows the rows by method and endpoint, esc showing all again.
func TestEndpointsSortAndSearch(t *testing.T) {
	hs := newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: inventoryRows()}, 160, 48)
	hs.keys(press('I'), press('s'))
	mustContain(t, hs.view(), "SESS▼")
	if first := rowAfter(hs.view(), "METHOD"); !strings.Contains(first, "/api/v1/login") {
		t.Errorf("by sessions, first row %q, want POST /api/v1/login (3 sessions)", first)
	}
	for range int(5) { // sessions → users → errors → p50 → p95 → p99
		hs.keys(press('s'))
	}
	if first := rowAfter(hs.view(), "METHOD"); !strings.Contains(first, "/api/v1/reports/export") {
		t.Errorf("by p99, first row %q, want the 30 s report export", first)
	}
	hs.keys(press('S'))
	mustContain(t, hs.view(), "P99▲")
	if first := rowAfter(hs.view(), "METHOD"); !strings.Contains(first, "/healthz") {
		t.Errorf("by p99 reversed, first row %q, want /healthz (0.2 ms)", first)
	}

	hs.keys(press('/'), press('o'), press('r'), press('d'))
	v := hs.view()
	mustContain(t, v, "/ord", "/api/v1/orders", "/api/v1/orders/{id}", "2 of 13 endpoints")
	if strings.Contains(v, "/api/v1/login") {
		t.Errorf("search “ord” kept /api/v1/login:\n%s", v)
	}
	hs.keys(keyEnter) // keep the results; esc now clears them
	if hs.m.inv.view.Typing() || hs.m.inv.view.Len() != 2 {
		t.Fatalf("after enter: typing %v, %d rows; want the 2 results kept", hs.m.inv.view.Typing(), hs.m.inv.view.Len())
	}
	hs.keys(keyEsc)
	if hs.m.inv.view.Len() != 13 || hs.m.focus != focusEndpoints {
		t.Fatalf("esc after a search: %d rows, focus %d; want all 13 on the endpoints view", hs.m.inv.view.Len(), hs.m.focus)
	}
	hs.keys(keyEsc)
	if hs.m.focus != focusSessions {
		t.Errorf("a second esc left focus %d, want the sessions list", hs.m.focus)
	}
}

// TestEndpointsDrillDown checks that enter lists the sessions that called
// the endpoint through the filter grammar, and esc returns to the
// endpoints with the list's own filter back.
func TestEndpointsDrillDown(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: inventoryRows()}, sz.w, sz.h)
			hs.keys(press('2')) // a filter of the user's own: the last hour
			before := hs.m.filter.expr
			hs.keys(press('I'), keyEnter) // POST /api/v1/login, the busiest
			if hs.m.focus != focusSessions {
				t.Fatalf("enter left focus %d, want the sessions list", hs.m.focus)
			}
			want := "method:POST host:api.example.test endpoint:/api/v1/login"
			if hs.m.filter.expr != want {
				t.Errorf("filter %q, want %q", hs.m.filter.expr, want)
			}
			var got []string
			for _, s := range hs.m.sessions.Sessions() {
				got = append(got, s.ID)
			}
			slices.Sort(got)
			wantIDs := []string{alice.id, carol.id, stuffer.id}
			slices.Sort(wantIDs)
			if !slices.Equal(got, wantIDs) {
				t.Errorf("sessions %v, want alice's, carol's and the stuffer's %v", got, wantIDs)
			}
			mustContain(t, hs.view(), "3 sessions", "esc back to endpoints")
			hs.golden()

			hs.keys(keyEsc)
			if hs.m.focus != focusEndpoints || hs.m.filter.expr != before {
				t.Errorf("esc: focus %d, filter %q; want the endpoints view and the filter %q back", hs.m.focus, hs.m.filter.expr, before)
			}
			if len(hs.m.sessions.Sessions()) == 3 {
				t.Error("the list still holds the drill-down's sessions after esc")
			}
		})
	}
}

// TestEndpointsLive checks that the view refreshes with the commit signal
// and that refreshes coalesce into one read.
func TestEndpointsLive(t *testing.T) {
	inv := &fakeInventory{rows: inventoryRows()}
	hs := newInventoryHarness(t, fixtureSource(), inv, 80, 24)
	hs.keys(press('I'))
	reads := inv.reads()
	inv.mu.Lock()
	inv.rows = append(inv.rows, endpoint("GET", "/api/v1/new", inventory.Shadow, 500, 9, 9, map[int]int64{200: 500}, 3, 5, 8, dist(0, 0, 500), at(11, 0, 0, 0)))
	inv.mu.Unlock()
	for range 5 {
		hs.send(RefreshMsg{})
	}
	if inv.reads() != reads {
		t.Fatalf("refreshes read the inventory before the coalescing window closed")
	}
	hs.fire()
	if got := inv.reads() - reads; got != 1 {
		t.Errorf("5 refreshes in one window read the inventory %d times, want 1", got)
	}
	if first := rowAfter(hs.view(), "METHOD"); !strings.Contains(first, "/api/v1/new") {
		t.Errorf("after a refresh, first row %q, want the new busiest endpoint", first)
	}
	// The cursor stays on the endpoint it was on, now the second row.
	if e, _ := hs.m.inv.view.Selected(); e.Template != "/api/v1/login" {
		t.Errorf("after a refresh the cursor is on %s, want it kept on /api/v1/login", e.Template)
	}
	mustContain(t, hs.view(), "2/14 endpoints")

	// Away from the view, refreshes do not read the inventory.
	hs.keys(keyEsc)
	reads = inv.reads()
	hs.refresh()
	if inv.reads() != reads {
		t.Error("a refresh read the inventory while the sessions list was on display")
	}
}

// TestEndpointsNoInventory checks that I says why there is no view
// without an inventory, and stays on the list.
func TestEndpointsNoInventory(t *testing.T) {
	hs := newInventoryHarness(t, fixtureSource(), nil, 80, 24)
	hs.keys(press('I'))
	if hs.m.focus != focusSessions {
		t.Errorf("I without an inventory moved focus to %d", hs.m.focus)
	}
	mustContain(t, hs.view(), noInventoryText)
}

// TestEndpointsDrillRefused checks that an endpoint the filter grammar
// cannot name (a captured Host with a slash) is refused with an error
// rather than drilled into with a filter that would list every session.
func TestEndpointsDrillRefused(t *testing.T) {
	odd := endpoint("GET", "/x", "", 1, 1, 0, map[int]int64{200: 1}, 1, 1, 1, dist(1), at(10, 0, 0, 0))
	odd.Host = "evil/host"
	hs := newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: []inventory.Endpoint{odd}}, 80, 24)
	hs.keys(press('I'), keyEnter)
	if hs.m.focus != focusEndpoints || hs.m.filter.expr != "" {
		t.Errorf("enter on an unnameable endpoint: focus %d, filter %q; want to stay, unfiltered", hs.m.focus, hs.m.filter.expr)
	}
	mustContain(t, hs.view(), "error: list the sessions of GET /x")
}

// TestEndpointsEndToEnd runs the endpoints view in a real program: I,
// a live refresh sent from outside as cmd does, enter on an endpoint and
// esc back.
func TestEndpointsEndToEnd(t *testing.T) {
	inv := &fakeInventory{rows: inventoryRows()}
	tm := teatest.NewTestModel(t, New(Options{Source: fixtureSource(), Endpoints: inv, Title: testTitle, Now: fixtureNow}), teatest.WithInitialTermSize(100, 30))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("alice@example.com")
	tm.Send(tea.KeyPressMsg{Code: 'I', Text: "I"})
	wait("endpoints")

	inv.mu.Lock()
	inv.rows = append(inv.rows, endpoint("GET", "/api/v1/fresh", inventory.Zombie, 900, 4, 4, map[int]int64{200: 900}, 3, 5, 8, dist(0, 0, 900), at(11, 0, 0, 0)))
	inv.mu.Unlock()
	tm.Send(RefreshMsg{})
	wait("/api/v1/fresh")

	tm.Send(tea.KeyPressMsg{Code: 'g', Text: "g"})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("endpoint:/api/v1/fresh")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a tui.Model")
	}
	if final.focus != focusEndpoints || final.filter.expr != "" {
		t.Errorf("final focus %d, filter %q; want the endpoints view with no filter", final.focus, final.filter.expr)
	}
}

// TestEndpointsHosts checks that HOST is a column only when the rows
// span more than one host, and SPEC only when some row has a status.
func TestEndpointsHosts(t *testing.T) {
	rows := inventoryRows()
	for i := range rows {
		rows[i].SpecStatus = ""
	}
	hs := newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: rows}, 160, 48)
	hs.keys(press('I'))
	if v := hs.view(); strings.Contains(v, "HOST") || strings.Contains(v, "SPEC") {
		t.Errorf("one host and no spec, yet a HOST or SPEC column:\n%s", v)
	}
	other := rows[0]
	other.Host = "admin.example.test"
	hs = newInventoryHarness(t, fixtureSource(), &fakeInventory{rows: append(rows, other)}, 160, 48)
	hs.keys(press('I'))
	mustContain(t, hs.view(), "HOST", "admin.example.test", "api.example.test")
}
