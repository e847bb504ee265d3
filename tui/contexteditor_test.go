package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/contexteditor"
)

// fakeContext is an in-memory ContextEditor that records what it saved.
type fakeContext struct {
	mu     sync.Mutex
	params []engine.ContextParam
	hash   bool
	saves  int
	err    error
}

func (f *fakeContext) Context() ([]engine.ContextParam, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.ContextParam(nil), f.params...), f.hash, nil
}

func (f *fakeContext) Save(params []engine.ContextParam, hash bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.saves++
	f.params, f.hash = append([]engine.ContextParam(nil), params...), hash
	return nil
}

// demoContext is the context of the demo's configuration, in short.
func demoContext() *fakeContext {
	return &fakeContext{hash: true, params: []engine.ContextParam{
		{Point: "req.json.username", Type: engine.ParamUser},
		{Point: "req.jwt.role", Type: engine.ParamRole},
		{Point: "req.json.password", Hash: true},
		{Point: "req.query.page", Type: engine.ParamContext},
	}}
}

func newContextHarness(t *testing.T, w, h int, ctx ContextEditor) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: richSource(), Title: testTitle, Context: ctx, Now: fixtureNow})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func TestContextEditorScreens(t *testing.T) {
	for _, sz := range sizes {
		t.Run("open/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'))
			hs.golden()
		})
		t.Run("adding/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			// Open a session first: its requests teach the completions.
			hs.keys(keyEnter, keyEsc, press('C'), keyDown, press('a'))
			typeText(hs, "req.")
			hs.golden()
		})
		t.Run("invalid/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'), press('a'))
			typeText(hs, "req.jsn.amount")
			hs.keys(keyEnter)
			hs.golden()
		})
		t.Run("saved/"+sz.name, func(t *testing.T) {
			hs := newContextHarness(t, sz.w, sz.h, demoContext())
			hs.keys(press('C'), keyDown, keyDown, press('a'))
			typeText(hs, "req.json.amount")
			hs.keys(keyEnter, press('t'), press('t'), press('t'), press('s'))
			hs.golden()
		})
	}
}

func TestContextEditorEdits(t *testing.T) {
	ctx := demoContext()
	hs := newContextHarness(t, 80, 24, ctx)
	hs.keys(press('C'))
	if hs.m.focus != focusContext {
		t.Fatal("C did not open the context editor")
	}
	if rows := hs.m.ctxeditor.Rows(); len(rows) != 8 || rows[0].Origin != contexteditor.OriginConfig || rows[7].Origin != contexteditor.OriginDefault {
		t.Fatalf("rows = %+v, want 4 configured then 4 default credentials", rows)
	}

	// Add after the cursor, validated with the point grammar.
	hs.keys(press('a'))
	typeText(hs, "req.jsn.amount")
	hs.keys(keyEnter)
	if !hs.m.ctxeditor.Typing() || !strings.Contains(hs.view(), "req.jsn") {
		t.Fatalf("an invalid point was accepted:\n%s", hs.view())
	}
	for range len("jsn.amount") {
		hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(hs, "json.amount")
	hs.keys(keyEnter)
	params, _ := hs.m.ctxeditor.Params()
	if len(params) != 5 || params[1].Point != "req.json.amount" || params[1].Type != engine.ParamPlain || params[1].Hash {
		t.Fatalf("after adding: %+v", params)
	}
	// A point already listed, even spelled with another case for a
	// header name, is refused.
	hs.keys(press('a'))
	typeText(hs, "req.json.username")
	hs.keys(keyEnter)
	if !hs.m.ctxeditor.Typing() || !strings.Contains(hs.view(), "already a context parameter") {
		t.Fatalf("a duplicate point was accepted:\n%s", hs.view())
	}
	hs.keys(keyEsc)

	// Type cycles plain → user → role → context → plain; h toggles hashing.
	for _, want := range []engine.ParamType{engine.ParamUser, engine.ParamRole, engine.ParamContext} {
		hs.keys(press('t'))
		if p, _ := hs.m.ctxeditor.Params(); p[1].Type != want {
			t.Fatalf("t gave type %q, want %q", p[1].Type, want)
		}
	}
	hs.keys(press('h'))
	if p, _ := hs.m.ctxeditor.Params(); !p[1].Hash {
		t.Fatal("h did not hash the point")
	}

	// Remove req.jwt.role (the row below) and check a default row
	// refuses removal and a type, and toggles the credential policy.
	hs.keys(keyDown, press('d'))
	if p, _ := hs.m.ctxeditor.Params(); len(p) != 4 || p[2].Point != "req.json.password" {
		t.Fatalf("after d: %+v", p)
	}
	for range 5 {
		hs.keys(keyDown)
	}
	hs.keys(press('d'))
	if !strings.Contains(hs.view(), "a credential row cannot be removed") {
		t.Errorf("d on a default row did not say why:\n%s", hs.view())
	}
	hs.keys(press('t'))
	if !strings.Contains(hs.view(), "a credential has no type") {
		t.Errorf("t on a default row did not say why:\n%s", hs.view())
	}
	hs.keys(press('h'), press('y'))
	if _, hash := hs.m.ctxeditor.Params(); hash {
		t.Error("h and y on a credential did not switch secrets to clear")
	}
	hs.keys(press('h'))

	// Save, and the backend holds what was edited.
	if ctx.saves != 0 {
		t.Fatal("saved before s")
	}
	hs.keys(press('s'))
	if ctx.saves != 1 || len(ctx.params) != 4 || ctx.params[1] != (engine.ContextParam{Point: "req.json.amount", Type: engine.ParamContext, Hash: true}) || !ctx.hash {
		t.Fatalf("saved %+v hash %v after %d saves", ctx.params, ctx.hash, ctx.saves)
	}
	view := hs.view()
	for _, want := range []string{"saved: exchanges captured from now on", "stored requests keep their context", "context parameters saved"} {
		if !strings.Contains(view, want) {
			t.Errorf("after saving the screen lacks %q:\n%s", want, view)
		}
	}
	hs.keys(keyEsc)
	if hs.m.focus != focusSessions {
		t.Error("esc after saving did not close the editor")
	}
}

func TestContextEditorAsksBeforeDroppingEdits(t *testing.T) {
	ctx := demoContext()
	hs := newContextHarness(t, 80, 24, ctx)
	hs.keys(press('C'), press('d'), keyEsc)
	if hs.m.focus != focusContext || !strings.Contains(hs.view(), "unsaved changes") {
		t.Fatalf("esc with unsaved edits closed the editor:\n%s", hs.view())
	}
	hs.keys(keyEsc)
	if hs.m.focus != focusSessions || ctx.saves != 0 {
		t.Errorf("second esc: focus %d, %d saves", hs.m.focus, ctx.saves)
	}
}

func TestContextEditorSaveError(t *testing.T) {
	ctx := demoContext()
	ctx.err = errors.New("save configuration in spoor.db: disk full")
	hs := newContextHarness(t, 80, 24, ctx)
	hs.keys(press('C'), press('h'), press('s'))
	if !strings.Contains(hs.view(), "error: save configuration in spoor.db: disk full") {
		t.Errorf("a failed save was not shown:\n%s", hs.view())
	}
	if !strings.Contains(hs.view(), "unsaved") {
		t.Error("a failed save cleared the unsaved mark")
	}
}

func TestContextEditorDisabled(t *testing.T) {
	hs := newRich(t, 80, 24, nil)
	hs.keys(press('C'))
	if hs.m.focus == focusContext || !strings.Contains(hs.view(), "context editor needs") {
		t.Error("C without a context editor did not say why")
	}
}
