package tui

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/contexteditor"
)

// fixturePoints are the points of a small shop's stored traffic, named by
// engine.PointsOf as the workstation names them: a login answering a
// token, a call with the bearer JWT and cookies, a GraphQL query and a
// form post.
func fixturePoints() []engine.SeenPoint {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwt := enc(`{"alg":"HS256"}`) + "." + enc(`{"sub":"alice","role":"admin","iss":"shop"}`) + ".hmac:0f1e2d3c"
	json := []engine.Header{{Name: "Content-Type", Value: "application/json"}}
	xs := []engine.Exchange{{
		ReqHeaders:  json,
		ReqBody:     engine.Body{Data: []byte(`{"username":"alice","password":"hmac:1a2b"}`)},
		RespHeaders: []engine.Header{{Name: "Set-Cookie", Value: "sid=hmac:3c4d; Path=/"}},
		RespBody:    engine.Body{Data: []byte(`{"token":"hmac:5e6f","user":{"id":42}}`)},
	}, {
		Query:      "page=2",
		ReqHeaders: []engine.Header{{Name: "Authorization", Value: "Bearer " + jwt}, {Name: "Cookie", Value: "sid=hmac:3c4d; theme=dark"}},
		RespBody:   engine.Body{Data: []byte(`{"items":[{"sku":"A1","qty":1}]}`)},
	}, {
		ReqHeaders: append([]engine.Header{{Name: "Authorization", Value: "Bearer " + jwt}}, json...),
		ReqBody:    engine.Body{Data: []byte(`{"query":"query Order($id: ID!) { order(id: $id) { total } }","variables":{"id":"7"}}`)},
		GQL:        &engine.GQLInfo{Type: engine.GQLQuery, Name: "Order"},
	}, {
		ReqHeaders: []engine.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
		ReqBody:    engine.Body{Data: []byte("email=alice%40example.com&topics=deals")},
	}}
	counts := map[string]int{}
	for i := range xs {
		engine.PointsOf(&xs[i], func(p string) { counts[p]++ })
	}
	return engine.SortedPoints(counts)
}

func (f *fakeKeys) Points() ([]engine.SeenPoint, error)    { return fixturePoints(), nil }
func (f *fakeContext) Points() ([]engine.SeenPoint, error) { return fixturePoints(), nil }

func keyEditorHarness(t *testing.T, w, h int, configured ...string) *harness {
	t.Helper()
	hs := newRich(t, w, h, &fakeKeys{configured: configured, builtin: true})
	hs.keys(press('K'))
	return hs
}

// lines returns the screen's lines; last(n) the bottom n.
func lines(hs *harness) []string { return strings.Split(strings.TrimSuffix(hs.view(), "\n"), "\n") }

// lineWith reports whether the screen says s, on one line or wrapped
// over several.
func lineWith(hs *harness, s string) bool {
	return strings.Contains(strings.Join(lines(hs), " "), s)
}

// currentKey is the key under the key editor's cursor.
func currentKey(hs *harness) string {
	k, _ := hs.m.keyeditor.Current()
	return k.Key
}

// TestKeyEditorRefusesOnFixedRows: every edit key on a built-in or a
// fallback key says why it cannot apply, K on the very first row too.
func TestKeyEditorRefusesOnFixedRows(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			hs := keyEditorHarness(t, sz.w, sz.h, "req.jwt.sub")
			steps := []struct {
				keys []tea.KeyPressMsg
				say  string
			}{
				{[]tea.KeyPressMsg{press('K')}, "already first"},
				{[]tea.KeyPressMsg{press('J')}, "already the last of your keys: the built-in and fallback keys always follow them"},
				{[]tea.KeyPressMsg{keyDown, press('K')}, "built-in keys keep their order after your keys; to try req.header.Mcp-Session-Id sooner, add it as your own key (a)"},
				{[]tea.KeyPressMsg{press('J')}, "built-in keys keep their order after your keys"},
				{[]tea.KeyPressMsg{press('d')}, "a built-in key cannot be removed alone; b turns all built-ins off"},
				{[]tea.KeyPressMsg{press('G'), press('d')}, "a fallback key cannot be removed"},
				{[]tea.KeyPressMsg{press('K')}, "the fallback keys always come last"},
			}
			for _, s := range steps {
				hs.keys(s.keys...)
				if !lineWith(hs, s.say) {
					t.Fatalf("after %v the screen does not say %q:\n%s", s.keys, s.say, hs.view())
				}
			}
			if currentKey(hs) != "req.ua" {
				t.Errorf("cursor on %s after the last refusal, want req.ua", currentKey(hs))
			}
			if got, _ := hs.m.keyeditor.Configured(); !slices.Equal(got, []string{"req.jwt.sub"}) {
				t.Errorf("refused keys changed the list: %v", got)
			}
			hs.keys(press('g'), press('K'))
			hs.keys(keyDown, press('d'))
			hs.golden()
		})
	}
}

// TestEditorsFirstLast: g and G go to the first and last row in both
// editors, and the view follows.
func TestEditorsFirstLast(t *testing.T) {
	for _, sz := range sizes {
		t.Run("keys/"+sz.name, func(t *testing.T) {
			hs := keyEditorHarness(t, sz.w, sz.h, "req.header.X-Session-Id", "req.jwt.sub")
			hs.keys(press('G'))
			if currentKey(hs) != "req.ua" || !lineWith(hs, "user agent alone") {
				t.Fatalf("G: cursor on %s, want the last key req.ua in view:\n%s", currentKey(hs), hs.view())
			}
			hs.golden()
			hs.keys(press('g'))
			if l := lines(hs); currentKey(hs) != "req.header.X-Session-Id" || !strings.Contains(l[2], "req.header.X-Session-Id") {
				t.Errorf("g: cursor on %s, want the first key on the first row:\n%s", currentKey(hs), hs.view())
			}
		})
		t.Run("context/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'), press('G'), press('d'))
			if r, _ := hs.m.ctxeditor.Current(); r.Point != "resp.header.Set-Cookie" || !lineWith(hs, "a credential row cannot be removed") {
				t.Fatalf("G: cursor on %s, want the last row; d must say why it cannot remove it:\n%s", r.Point, hs.view())
			}
			hs.keys(press('K'))
			if !lineWith(hs, "context parameters have no order") {
				t.Errorf("K in the context editor did not say why it does nothing:\n%s", hs.view())
			}
			hs.keys(press('g'), press('d'))
			if p, _ := hs.m.ctxeditor.Params(); len(p) != 3 || p[0].Point != "req.jwt.role" {
				t.Fatalf("g then d removed another row than the first: %+v", p)
			}
			hs.golden()
		})
	}
}

// TestDetailTopBottom: G shows the end of a long tab and g its top.
func TestDetailTopBottom(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			src := richSource()
			var body strings.Builder
			body.WriteString(`{"items":[`)
			for i := range 60 {
				if i > 0 {
					body.WriteString(",")
				}
				body.WriteString(`{"sku":"SKU-` + strconv.Itoa(i) + `"}`)
			}
			body.WriteString(`],"last":"the end of the body"}`)
			src.mu.Lock()
			x := &src.requests[alice.id][3]
			x.RespHeaders = []engine.Header{{Name: "Content-Type", Value: "application/json"}}
			x.RespBody = engine.Body{Data: []byte(body.String()), Size: int64(body.Len())}
			src.mu.Unlock()
			hs := &harness{t: t}
			m := New(Options{Source: src, Title: testTitle, Now: fixtureNow})
			m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd { hs.timers = append(hs.timers, msg); return nil }
			hs.m = m
			hs.run(m.Init())
			hs.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			hs.keys(keyEnter, keyDown, keyDown, keyDown, keyEnter, tea.KeyPressMsg{Code: tea.KeyTab})
			if hs.m.focus != focusDetail || hs.m.detail.Offset() != 0 {
				t.Fatalf("focus %d offset %d, want the response tab at its top", hs.m.focus, hs.m.detail.Offset())
			}
			hs.keys(press('G'))
			if !hs.m.detail.AtBottom() || hs.m.detail.Offset() == 0 || !lineWith(hs, `"last": "the end of the body"`) || lineWith(hs, "HEADERS") {
				t.Fatalf("G: offset %d, at bottom %v:\n%s", hs.m.detail.Offset(), hs.m.detail.AtBottom(), hs.view())
			}
			hs.golden()
			hs.keys(press('g'))
			if hs.m.detail.Offset() != 0 || !lineWith(hs, "HEADERS") {
				t.Errorf("g: offset %d:\n%s", hs.m.detail.Offset(), hs.view())
			}
		})
	}
}

// TestCompletionOffersEveryKind: the editors complete from the points the
// backend found in stored traffic, every kind of the grammar, with counts.
func TestCompletionOffersEveryKind(t *testing.T) {
	for _, sz := range sizes {
		t.Run("kinds/"+sz.name, func(t *testing.T) {
			hs := keyEditorHarness(t, sz.w, sz.h)
			hs.keys(press('a'))
			typeText(hs, "re")
			got := hs.m.keyeditor.Suggestions()
			for _, p := range []string{"req.jwt.sub", "req.jwt.role", "req.json.username", "req.cookie.sid", "resp.json.token",
				"resp.json.items.0.sku", "req.gql.operation", "req.gql.var.id", "req.form.email", "resp.cookie.sid", "req.bearer"} {
				if !slices.Contains(got, p) {
					t.Errorf("completions lack %s: %v", p, got)
				}
			}
			for _, kind := range []string{"req.jwt.* 3", "req.json.*", "req.cookie.* 2", "resp.json.*", "req.gql.* 3", "req.form.* 2"} {
				if !strings.Contains(strings.Join(lines(hs), " "), kind) {
					t.Errorf("the completion line lacks %q:\n%s", kind, hs.view())
				}
			}
			hs.golden()
		})
		t.Run("names/"+sz.name, func(t *testing.T) {
			hs := keyEditorHarness(t, sz.w, sz.h)
			hs.keys(press('a'))
			typeText(hs, "req.jw")
			hs.keys(tea.KeyPressMsg{Code: tea.KeyTab})
			if !lineWith(hs, "new key: req.jwt.") {
				t.Fatalf("tab did not complete the shared prefix req.jwt.:\n%s", hs.view())
			}
			if !lineWith(hs, "tab completes: req.jwt.iss (2)  req.jwt.role (2)  req.jwt.sub (2)") {
				t.Errorf("the names with counts are not listed:\n%s", hs.view())
			}
			hs.golden()
		})
		t.Run("context/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'), press('a'))
			typeText(hs, "resp.json.")
			if !lineWith(hs, "resp.json.items.0.qty (1)") || !slices.Contains(hs.m.ctxeditor.Suggestions(), "req.gql.var.id") {
				t.Errorf("the context editor does not complete from the stored points:\n%s", hs.view())
			}
			hs.golden()
		})
	}
}

// TestInputFooters: while a text input or a question has the keyboard,
// the help line shows its keys only, never ? help or q quit, which it
// takes as text.
func TestInputFooters(t *testing.T) {
	helpLine := func(hs *harness) string { l := lines(hs); return l[len(l)-2] }
	cases := []struct {
		name string
		open func(t *testing.T, w, h int) *harness
		want string
	}{
		{"key-editor", func(t *testing.T, w, h int) *harness {
			hs := keyEditorHarness(t, w, h)
			hs.keys(press('a'))
			return hs
		}, "enter add • tab complete • esc cancel"},
		{"context-editor", func(t *testing.T, w, h int) *harness {
			hs := newContextHarness(t, w, h, demoContext())
			hs.keys(press('C'), press('a'))
			return hs
		}, "enter add • tab complete • esc cancel"},
		{"hash-question", func(t *testing.T, w, h int) *harness {
			hs := newContextHarness(t, w, h, demoContext())
			hs.keys(press('C'), press('G'), press('h'))
			return hs
		}, "y store in the clear • n/esc keep hashed"},
		{"filter", func(t *testing.T, w, h int) *harness {
			hs := newRich(t, w, h, nil)
			hs.keys(press('f'))
			return hs
		}, "enter apply • esc cancel"},
		{"search", func(t *testing.T, w, h int) *harness {
			hs := newRich(t, w, h, nil)
			hs.keys(press('/'))
			return hs
		}, "enter keep results • esc clear search"},
	}
	for _, c := range cases {
		for _, sz := range sizes {
			t.Run(c.name+"/"+sz.name, func(t *testing.T) {
				hs := c.open(t, sz.w, sz.h)
				if got := helpLine(hs); !strings.HasPrefix(got, c.want) || strings.Contains(got, "quit") || strings.Contains(got, "? help") {
					t.Errorf("help line %q, want %q alone", got, c.want)
				}
				hs.keys(press('q'))
				if hs.quit {
					t.Error("q quit from an input")
				}
				if c.name == "key-editor" || c.name == "context-editor" {
					hs.golden()
				}
			})
		}
	}
}

// TestHashingOffAsks: h on a credential asks first, marks the four rows
// that would change, and saves nothing unless confirmed.
func TestHashingOffAsks(t *testing.T) {
	for _, sz := range sizes {
		t.Run("question/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'), press('G'), press('h'))
			if !hs.m.ctxeditor.Asking() || !lineWith(hs, "Store credentials in the clear?") || !lineWith(hs, "Requests stored before stay hashed.") || !lineWith(hs, "one setting (secrets: in the configuration)") {
				t.Fatalf("h did not ask:\n%s", hs.view())
			}
			pending := 0
			for _, l := range lines(hs) {
				if strings.Contains(l, "→clear") {
					pending++
				}
			}
			if pending != 4 {
				t.Errorf("%d rows marked →clear, want the four credentials:\n%s", pending, hs.view())
			}
			hs.golden()
		})
		t.Run("cancelled/"+sz.name, func(t *testing.T) {
			ctx := demoContext()
			hs := newContextHarness(t, sz.w, sz.h, ctx)
			hs.keys(press('C'), press('G'), press('h'), keyEsc)
			if _, hash := hs.m.ctxeditor.Params(); !hash || hs.m.focus != focusContext || !lineWith(hs, "kept hashed") {
				t.Fatalf("esc: hashing %v, focus %d:\n%s", hash, hs.m.focus, hs.view())
			}
			hs.keys(press('s'))
			if ctx.saves != 0 || !ctx.hash {
				t.Errorf("a cancelled question saved: %d saves, hash %v", ctx.saves, ctx.hash)
			}
			hs.keys(press('h'), press('n'))
			if _, hash := hs.m.ctxeditor.Params(); !hash {
				t.Error("n turned hashing off")
			}
			hs.golden()
		})
		t.Run("confirmed/"+sz.name, func(t *testing.T) {
			ctx := demoContext()
			hs := newContextHarness(t, sz.w, sz.h, ctx)
			hs.keys(press('C'), press('G'), press('h'), press('y'))
			if _, hash := hs.m.ctxeditor.Params(); hash || !lineWith(hs, "stored in the clear once saved") {
				t.Fatalf("y: hashing %v:\n%s", hash, hs.view())
			}
			hs.keys(press('s'))
			if ctx.saves != 1 || ctx.hash {
				t.Errorf("after y and s: %d saves, hash %v; want hashing off saved", ctx.saves, ctx.hash)
			}
			rows := hs.m.ctxeditor.Rows()
			for _, r := range rows[len(rows)-4:] {
				if r.Hash || r.Origin != contexteditor.OriginDefault {
					t.Errorf("row %+v still hashed after confirming", r)
				}
			}
			hs.golden()
			hs.keys(press('d'))
			if !lineWith(hs, "stored in the clear (secrets: clear), h hashes them again") {
				t.Errorf("d on a clear credential row does not say how to hash again:\n%s", hs.view())
			}
		})
	}
	// A configured parameter asks too, naming its point; turning hashing
	// back on asks nothing.
	ctx := demoContext()
	hs := newContextHarness(t, 80, 24, ctx)
	hs.keys(press('C'), keyDown, keyDown, press('h'))
	if !lineWith(hs, "Store req.json.password in the clear?") {
		t.Fatalf("h on a hashed parameter did not ask:\n%s", hs.view())
	}
	hs.keys(press('y'))
	if p, _ := hs.m.ctxeditor.Params(); p[2].Hash {
		t.Error("y left req.json.password hashed")
	}
	hs.keys(press('h'))
	if p, _ := hs.m.ctxeditor.Params(); !p[2].Hash || hs.m.ctxeditor.Asking() {
		t.Error("hashing on asked, or did not apply")
	}
}

// TestQuitAsksOverUnsavedEdits: q in an editor holding unsaved edits says
// so instead of quitting, and a second q quits; without edits q quits at
// once.
func TestQuitAsksOverUnsavedEdits(t *testing.T) {
	quits := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		_, ok := cmd().(tea.QuitMsg)
		return ok
	}
	hs := newContextHarness(t, 80, 24, demoContext())
	hs.keys(press('C'))
	if m := &hs.m; !quits(m.handleKey(press('q'))) {
		t.Fatal("q in an editor without edits did not quit")
	}
	hs.keys(press('t')) // cycle a parameter's type: an unsaved edit
	if !hs.m.ctxeditor.Dirty() {
		t.Fatal("t left the editor clean")
	}
	m := &hs.m
	if quits(m.handleKey(press('q'))) {
		t.Fatal("q dropped unsaved edits without a word")
	}
	if !strings.Contains(m.notice, "q again quits without saving") {
		t.Errorf("notice %q", m.notice)
	}
	if !quits(m.handleKey(press('q'))) {
		t.Error("a second q did not quit")
	}
	m.handleKey(press('q'))
	m.handleKey(press('j'))
	if quits(m.handleKey(press('q'))) {
		t.Error("q after another key quit at once: the first q's warning must be given again")
	}
}
