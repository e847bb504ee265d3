package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/tui/filterbar"
	"github.com/spoorhq/spoor/tui/sequence"
	"github.com/spoorhq/spoor/tui/theme"
)

// Fixture actors of the session view: a shopper whose requests carry
// percent-encoded queries and paths with bytes a URL must escape, and a
// crawler whose user agent marks every request as a scanner's and whose
// session has two verdicts.
var (
	dave = actor{
		id: "da7e00000001-1", name: "sess-d4ve", user: "dave", keyPoint: "req.cookie.sid",
		ips: []string{"198.51.100.23"}, agents: []string{"Mozilla/5.0 (Windows NT 10.0) Chrome/131.0"},
	}
	crawler = actor{
		id: "c4a000000001-1", name: "192.0.2.99 sqlmap/1.8.11", keyPoint: "req.ip+req.ua",
		ips: []string{"192.0.2.99"}, agents: []string{"sqlmap/1.8.11#stable (https://sqlmap.org)"},
		attacks: map[string]int{"sqli": 14, "scanner": 40},
	}
)

// sessionViewSource holds dave's and the crawler's sessions. Dave is the
// most recently active, so Enter opens him and down, enter the crawler.
func sessionViewSource() *fakeSource {
	f := newFakeSource()
	f.add(dave,
		req{start: at(11, 0, 0, 0), method: "GET", path: "/products", query: "page=1%27+OR+%271%27%3D%271", status: 500, durMS: 37.801512, respBytes: 3550},
		req{start: at(11, 0, 1, 500), method: "GET", path: "/search", query: "q=caf%C3%A9+cr%C3%A8me&sort=price%2Cdesc", status: 200, durMS: 12.5, respBytes: 18_200},
		req{start: at(11, 0, 4, 0), method: "GET", path: "/files/annual report 100%.pdf", status: 200, durMS: 240, respBytes: 1_250_000},
		req{start: at(11, 0, 9, 0), method: "GET", path: "/search", query: "q=%1b%5b31mred%1b%5b0m", status: 400, durMS: 2.2, respBytes: 90},
		req{start: at(11, 0, 12, 0), method: "GET", path: "/search", query: "q=100%+off%zz", status: 200, durMS: 8, respBytes: 700},
		req{start: at(11, 0, 20, 0), method: "POST", path: "/cart/items", status: 201, durMS: 31, respBytes: 120},
	)
	f.requests[dave.id][0].Attacks = []engine.AttackTag{{Type: engine.AttackSQLi, Point: "req.query.page", Rule: "libinjection-sqli", Fragment: "1' OR '1'='1"}}
	scans := make([]req, 0, 40)
	for i := range 40 {
		scans = append(scans, req{start: at(10, 30, i, 0), method: []string{"GET", "GET", "POST", "GET"}[i%4], path: fmt.Sprintf("/api/v1/users/%d", i), query: "id=1%27%20OR%201%3D1--", status: []int{404, 403, 500, 200}[i%4], durMS: 4})
	}
	f.add(crawler, scans...)
	for i := range f.requests[crawler.id] {
		x := &f.requests[crawler.id][i]
		x.Attacks = []engine.AttackTag{{Type: engine.AttackScanner, Point: "req.header.User-Agent", Rule: "spoor-scanner", Fragment: "sqlmap"}}
		if i%3 == 0 {
			x.Attacks = append(x.Attacks, engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli", Fragment: "1' OR 1=1--"})
		}
	}
	f.sessions[crawler.id].Abuse = []engine.Verdict{
		{Type: engine.AbuseSecurityCrawler, Confidence: 0.9, Detectors: []engine.DetectorResult{
			{Name: "attack_tags", Value: 3550, Baseline: 0, Unit: "count", Explain: "attack tags on the session's requests 3,550, against a baseline of 0 (fires at ≥ 3)"},
			{Name: "request_rate", Value: 11.6774, Baseline: 0.5, Unit: "req/s", Explain: "request rate 12 req/s, 23× above the baseline of 0.50 req/s (fires at ≥ 2.5 req/s)"},
			{Name: "scanner_user_agent", Value: 1, Explain: `scanner user agent: "sqlmap/1.8.11#stable (https://sqlmap.org)" is sqlmap, a security testing tool`},
		}},
		{Type: engine.AbuseBruteForce, Confidence: 0.75, Evidence: 19, Detectors: []engine.DetectorResult{
			{Name: "failed_logins", Value: 19, Baseline: 0, Unit: "count"},
			{Name: "username_focus", Value: 1, Baseline: 0.05, Unit: "share"},
		}},
	}
	return f
}

// rows are the table rows of a sequence view: the lines after the column
// titles down to the first blank line or the help line.
func rows(view string) []string {
	lines := strings.Split(view, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " OFFSET ") })
	if i < 0 {
		return nil
	}
	var out []string
	for _, l := range lines[i+1:] {
		if strings.TrimSpace(l) == "" || strings.Contains(l, " • ") || strings.HasPrefix(l, "filter: ") {
			break
		}
		out = append(out, l)
	}
	return out
}

func mustContain(t *testing.T, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Errorf("view lacks %q:\n%s", w, view)
		}
	}
}

// TestSessionView pins the session view's items at 80×24 and 160×48, and
// checks what each shows directly as well as in its golden.
func TestSessionView(t *testing.T) {
	for _, sz := range sizes {
		t.Run("decoded/"+sz.name, func(t *testing.T) {
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyEnter)
			v := hs.view()
			// The query reads decoded; control bytes a decoded value holds
			// show escaped, and none reaches the terminal.
			mustContain(t, v, "/products?page=1' OR '1'=", `\x1b[31mred`)
			if raw := hs.m.View().Content; strings.Contains(raw, "\x1b[31mred") {
				t.Error("a decoded escape sequence reached the terminal")
			}
			if sz.w >= 160 {
				mustContain(t, v, "/search?q=café crème&sort=price,desc", "/search?q=100% off%zz", "/files/annual report 100%.pdf")
			}
			mustContain(t, v, "dave · req.cookie.sid · 6 requests · 20 s", "37.8 ms", "3.46 KiB", "d raw")
			hs.golden()
		})
		t.Run("raw/"+sz.name, func(t *testing.T) {
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyEnter, press('d'))
			if !hs.m.sequence.Raw() {
				t.Fatal("d did not switch to raw paths")
			}
			v := hs.view()
			mustContain(t, v, "PATH (raw)", "/products?page=1%27+OR+%2", "d decoded")
			if sz.w >= 160 {
				mustContain(t, v, "/files/annual%20report%20100%25.pdf", "q=%1b%5b31mred%1b%5b0m")
			}
			hs.golden()
			hs.keys(press('d'))
			mustContain(t, hs.view(), "/products?page=1' OR '1'=")
		})
		t.Run("detail-raw/"+sz.name, func(t *testing.T) {
			// Decoded in the sequence, the request tab is raw all the same.
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyEnter, keyEnter)
			if hs.m.focus != focusDetail {
				t.Fatal("enter did not open the request")
			}
			v := hs.view()
			mustContain(t, v, "GET /products?page=1%27+OR+%271%27%3D%271")
			if strings.Contains(v, "page=1' OR") {
				t.Error("the request tab shows the decoded query")
			}
			hs.golden()
		})
		t.Run("scanner-verdict/"+sz.name, func(t *testing.T) {
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyDown, keyEnter)
			if id := hs.m.sequence.Session().ID; id != crawler.id {
				t.Fatalf("open session %s, want the crawler's", id)
			}
			v := hs.view()
			// The scanner tag is said once in the header; rows keep sqli.
			mustContain(t, v, "[scanner] session-wide: on all 40 requests", "⚠ security crawler, 90% confidence: 3,550 attack tags, against a baseline of 0")
			if n := strings.Count(v, "[scanner]"); n != 1 {
				t.Errorf("[scanner] shows %d times, want once, in the header", n)
			}
			rs := rows(v)
			if len(rs) == 0 {
				t.Fatal("no rows")
			}
			for i, r := range rs {
				if want := i%3 == 0; strings.Contains(r, "[sqli]") != want {
					t.Errorf("row %d %q: [sqli] shown %v, want %v", i, r, !want, want)
				}
			}
			if sz.w >= 160 {
				// A tall terminal gives a verdict a second line.
				mustContain(t, v, "request rate 11.7 req/s, 23× the baseline of 0.5 req/s",
					"  (https://sqlmap.org)\" is sqlmap, a security testing tool",
					"⚠ brute force, 75% confidence, on 19 requests: 19 failed logins, against a baseline of 0; username focus 100%, 20× the baseline of 5%")
			}
			hs.golden()
		})
		t.Run("filter/"+sz.name, func(t *testing.T) {
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyDown, keyEnter, press('f'))
			if !hs.m.sequence.Typing() {
				t.Fatal("f did not open the sequence's filter")
			}
			typeText(hs, "attack:sqli status:4xx")
			hs.keys(keyEnter)
			if hs.m.sequence.Typing() || hs.m.focus != focusSequence {
				t.Fatalf("enter left typing %v, focus %d", hs.m.sequence.Typing(), hs.m.focus)
			}
			// Requests 0, 3, 6, ... carry sqli; statuses cycle 404, 403,
			// 500, 200, so the 4xx among them are those with i%12 in {0, 9, 1}.
			var want []int
			for i := 0; i < 40; i += 3 {
				if s := []int{404, 403, 500, 200}[i%4]; s/100 == 4 {
					want = append(want, i)
				}
			}
			v := hs.view()
			mustContain(t, v, fmt.Sprintf("filter attack:sqli status:4xx · %d of 40 requests · esc shows all", len(want)))
			if got := len(rows(v)); got != len(want) {
				t.Errorf("%d rows, want %d:\n%s", got, len(want), v)
			}
			x, ok := hs.m.sequence.Selected()
			if !ok || x.Path != fmt.Sprintf("/api/v1/users/%d", want[0]) {
				t.Errorf("cursor on %q, want the first match /api/v1/users/%d", x.Path, want[0])
			}
			hs.golden()
			// esc shows every request again and stays in the session; the
			// next esc goes back to the list.
			hs.keys(keyEsc)
			if hs.m.focus != focusSequence || hs.m.sequence.FilterExpr() != "" {
				t.Fatalf("esc: focus %d, filter %q; want the whole sequence", hs.m.focus, hs.m.sequence.FilterExpr())
			}
			if strings.Contains(hs.view(), "esc shows all") {
				t.Error("the filter line stays after esc")
			}
			hs.keys(keyEsc)
			if hs.m.focus != focusSessions {
				t.Error("a second esc did not go back to the list")
			}
		})
		t.Run("filter-error/"+sz.name, func(t *testing.T) {
			hs := newHarness(t, sessionViewSource(), nil, sz.w, sz.h)
			hs.keys(keyDown, keyEnter, press('f'))
			typeText(hs, "status:4xx stauts:500")
			hs.keys(keyEnter)
			fe := hs.m.sequence.FilterErr()
			if fe == nil || !hs.m.sequence.Typing() {
				t.Fatalf("a wrong filter was applied (err %v, typing %v)", fe, hs.m.sequence.Typing())
			}
			if fe.Column() != len("status:4xx ")+1 {
				t.Errorf("error at column %d, want %d", fe.Column(), len("status:4xx ")+1)
			}
			v := hs.view()
			lines := strings.Split(v, "\n")
			caret := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == "^" })
			if caret < 0 || strings.Index(lines[caret], "^") != len("filter: status:4xx ") {
				t.Errorf("no caret under the mistake:\n%s", v)
			}
			mustContain(t, v, "unknown field")
			if got := len(rows(v)); got == 0 {
				t.Error("the rows went while the filter is typed")
			}
			hs.golden()
		})
	}
}

// TestSequenceFilterTyping shows that while the sequence's filter has the
// keyboard, keys that mean something elsewhere (q, e, ?, r) are text.
func TestSequenceFilterTyping(t *testing.T) {
	exported := 0
	hs := newHarness(t, sessionViewSource(), nil, 80, 24)
	hs.m.export = func(string, string) ([]byte, error) { exported++; return nil, nil }
	hs.keys(keyEnter, press('f'))
	typeText(hs, "q?er")
	if hs.quit || exported != 0 || hs.m.showHelp || hs.m.sequence.Raw() {
		t.Fatalf("typing acted: quit %v, exported %d, help %v, raw %v", hs.quit, exported, hs.m.showHelp, hs.m.sequence.Raw())
	}
	if v := hs.view(); !strings.Contains(v, "filter: q?er") || strings.Contains(v, "q quit") {
		t.Errorf("the input or its help is wrong:\n%s", v)
	}
	hs.keys(keyEsc)
	if hs.m.sequence.Typing() || hs.m.focus != focusSequence || hs.m.sequence.FilterExpr() != "" {
		t.Error("esc in the input did not just close it")
	}
}

// TestSequenceFilterAgreesWithQuery shows that the sequence's filter shows
// exactly the requests spoor requests --session ID --filter EXPR lists
// (query.CollectRequests), on a real store.
func TestSequenceFilterAgreesWithQuery(t *testing.T) {
	st, end := agreeStore(t, 20_000)
	all, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b engine.Session) int { return b.Requests - a.Requests })
	all = all[:5]
	exprs := []string{"status:4xx", "method:POST|DELETE", "attack:any", "path:/api/**", "!status:2xx dur:>300ms", "abuse:any", "since:30m"}
	subsets := 0
	for _, s := range all {
		xs, err := st.Requests(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, expr := range exprs {
			f, err := filter.ParseOptions(expr, filter.Options{Now: end})
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := query.CollectRequests(context.Background(), st, query.RequestOptions{SessionID: s.ID, Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			m := sequence.New(theme.New(true, true), func() time.Time { return end })
			m.SetSize(160, 48)
			m.Open(s)
			m.SetExchanges(xs)
			m, _ = m.Update(filterbar.AppliedMsg{Expr: expr})
			var got []uint64
			for range len(xs) {
				x, ok := m.Selected()
				if !ok || len(got) > 0 && got[len(got)-1] == x.ID {
					break
				}
				got = append(got, x.ID)
				m, _ = m.Update(keyDown)
			}
			wantIDs := make([]uint64, len(want))
			for i := range want {
				wantIDs[i] = want[i].ID
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("session %s, %q: the sequence shows %v, the query lists %v", s.ID, expr, got, wantIDs)
			}
			if len(got) > 0 && len(got) < len(xs) {
				subsets++
			}
		}
	}
	if subsets < 10 {
		t.Errorf("only %d of %d cases select a proper part of a session: the fixture proves little", subsets, len(all)*len(exprs))
	}
}

// TestSessionViewNarrow shows the session view at 50×12: the first header
// line and the filter's count stay, and the attack chips keep their
// column while PATH gives way.
func TestSessionViewNarrow(t *testing.T) {
	hs := newHarness(t, sessionViewSource(), nil, 50, 12)
	hs.keys(keyDown, keyEnter, press('f'))
	typeText(hs, "status:4xx")
	hs.keys(keyEnter)
	v := hs.view()
	mustContain(t, v, "192.0.2.99 sqlmap", "filter status:4xx · 20 of 40", "[sqli]")
	golden.RequireEqual(t, v)
}
