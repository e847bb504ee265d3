package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
)

// rulesBackend records what the screens saved and previews every rule
// with the same impact, naming the filter in the top users so that a
// golden shows which condition was measured.
type rulesBackend struct {
	saved []rules.Rule
	// saving, if set, sees each rule saved, as the store would apply it.
	saving func(rules.Rule)
}

func (b *rulesBackend) Rules() ([]rules.Rule, error) { return b.saved, nil }

func (b *rulesBackend) Preview(r rules.Rule) (query.Impact, error) {
	return query.Impact{Requests: 131, Sessions: 4, Users: 2, Flows: 1, CleanSessions: 2,
		TopUsers: []query.Count{{Name: "bob", N: 2}}, TopFlows: []query.Count{{Name: "Auth", N: 120}}}, nil
}

// Save replaces the rule of r's id, as the store does, or adds r.
func (b *rulesBackend) Save(r rules.Rule, _ string) error {
	if b.saving != nil {
		b.saving(r)
	}
	for i := range b.saved {
		if b.saved[i].ID == r.ID {
			b.saved[i] = r
			return nil
		}
	}
	b.saved = append(b.saved, r)
	return nil
}

func (b *rulesBackend) Remove(string, string) error { return nil }

func newRulesHarness(t *testing.T, b *rulesBackend, w, h int) *harness {
	t.Helper()
	return newRulesHarnessOn(t, fixtureSource(), b, w, h)
}

func newRulesHarnessOn(t *testing.T, src SessionSource, b *rulesBackend, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: src, Title: testTitle, Now: fixtureNow, Rules: b})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// TestRulesFromTheScreens pins, at 80×24 and 160×48, b on the selected
// session (the choice of key, user or address, then the preview of one),
// and m and v on the open request's tag, each with its preview; y saves
// the rule and returns to the screen it came from.
func TestRulesFromTheScreens(t *testing.T) {
	for _, sz := range sizes {
		t.Run("block-choose/"+sz.name, func(t *testing.T) {
			b := &rulesBackend{}
			hs := newRulesHarness(t, b, sz.w, sz.h)
			hs.keys(press('b'))
			mustContain(t, hs.view(), "block session a11ce0000001-1", "block key a11ce0000001 (req.jwt.sub)", "block user alice@example.com", "block address 203.0.113.10")
			hs.golden()
		})
		t.Run("block-preview/"+sz.name, func(t *testing.T) {
			b := &rulesBackend{}
			hs := newRulesHarness(t, b, sz.w, sz.h)
			hs.keys(press('b'), keyDown, keyEnter)
			mustContain(t, hs.view(), "block user alice@example.com", "would hit 2 clean sessions")
			hs.golden()
			hs.keys(press('y'))
			if len(b.saved) != 1 || b.saved[0].Filter != "user:alice@example.com" || b.saved[0].Action != rules.Block {
				t.Fatalf("saved %+v", b.saved)
			}
			if hs.m.focus != focusSessions || !strings.Contains(hs.view(), "saved and applied") {
				t.Fatalf("after y: focus %d\n%s", hs.m.focus, hs.view())
			}
		})
		for _, c := range []struct {
			name string
			key  rune
			want []string
			rule rules.Rule
		}{
			{"mute", 'm', []string{"mute libinjection-sqli at req.query.id on /api/v1/users"},
				rules.Rule{ID: "mute-libinjection-sqli-req.query.id-_api_v1_users", Action: rules.Mute, Filter: "endpoint:/api/v1/users", RuleID: "libinjection-sqli", Point: "req.query.id"}},
			{"virtual-patch", 'v', []string{"virtual patch sqli at req.query.id on /api/v1/users"},
				rules.Rule{ID: "virtual_patch-sqli-req.query.id-_api_v1_users", Action: rules.VirtualPatch, Filter: "endpoint:/api/v1/users", Attack: "sqli", Point: "req.query.id"}},
		} {
			t.Run(c.name+"/"+sz.name, func(t *testing.T) {
				b := &rulesBackend{}
				hs := newRulesHarness(t, b, sz.w, sz.h)
				hs.keys(keyDown, keyDown, keyEnter, keyEnter)
				if hs.m.focus != focusDetail || len(hs.m.detail.Exchange().Attacks) == 0 {
					t.Fatalf("not on a tagged request: focus %d\n%s", hs.m.focus, hs.view())
				}
				hs.keys(press(c.key))
				mustContain(t, hs.view(), c.want...)
				hs.golden()
				hs.keys(press('y'))
				if len(b.saved) != 1 || b.saved[0] != c.rule {
					t.Fatalf("saved %+v, want %+v", b.saved, c.rule)
				}
				if hs.m.focus != focusDetail {
					t.Fatalf("after y the focus is %d, want the detail back", hs.m.focus)
				}
			})
		}
		t.Run("list/"+sz.name, func(t *testing.T) {
			b := &rulesBackend{saved: []rules.Rule{{ID: "block-mallory", Action: rules.Block, Filter: "user:mallory"}}}
			hs := newRulesHarness(t, b, sz.w, sz.h)
			hs.keys(press('R'), press(' '))
			mustContain(t, hs.view(), "disable block-mallory", "no longer applies")
			hs.golden()
		})
		t.Run("edit/"+sz.name, func(t *testing.T) {
			b := &rulesBackend{saved: []rules.Rule{{ID: "block-mallory", Action: rules.Block, Filter: "user:mallory"}}}
			hs := newRulesHarness(t, b, sz.w, sz.h)
			hs.keys(press('R'), press('e'), tea.KeyPressMsg{Code: tea.KeyTab},
				tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace},
				press('4'), press('2'), press('9'), keyEnter)
			mustContain(t, hs.view(), "edit block-mallory", "user:mallory  → 429", "would have hit 131 requests")
			hs.golden()
		})
	}
}

// tagRuleOn opens the fixture's tagged request with tags instead of its
// own, presses key and, when a rule is proposed, y; it returns what was
// saved and the status bar's notice.
func tagRuleOn(t *testing.T, tags []engine.AttackTag, key rune) ([]rules.Rule, string) {
	t.Helper()
	b := &rulesBackend{}
	hs := newRulesHarness(t, b, 160, 48)
	hs.keys(keyDown, keyDown, keyEnter, keyEnter)
	if hs.m.focus != focusDetail {
		t.Fatalf("not on a request: focus %d\n%s", hs.m.focus, hs.view())
	}
	x := hs.m.detail.Exchange()
	x.Attacks = tags
	hs.m.detail.Open(x, hs.m.sequence.Session())
	hs.keys(press(key))
	notice := hs.m.notice
	if hs.m.focus == focusRules {
		hs.keys(press('y'))
	}
	return b.saved, notice
}

// TestMuteIDsDoNotCollide checks that m picks the first tag that is
// neither muted nor session-wide, and that two mutes of one attack type
// on one endpoint, for another rule or point, get ids of their own, so
// that saving the second does not replace the first.
func TestMuteIDsDoNotCollide(t *testing.T) {
	scanner := engine.AttackTag{Type: engine.AttackScanner, Point: "req.header.User-Agent", Rule: "scanner-ua"}
	muted := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli", MutedBy: "fp"}
	saved, _ := tagRuleOn(t, []engine.AttackTag{scanner, muted, {Type: engine.AttackSQLi, Point: "req.query.name", Rule: "libinjection-sqli"}}, 'm')
	if len(saved) != 1 || saved[0].Point != "req.query.name" || saved[0].RuleID != "libinjection-sqli" {
		t.Fatalf("saved %+v, want a mute of libinjection-sqli at req.query.name", saved)
	}
	ids := map[string]rules.Rule{saved[0].ID: saved[0]}
	for _, tag := range []engine.AttackTag{
		{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli"},
		{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "942100"},
	} {
		s, _ := tagRuleOn(t, []engine.AttackTag{tag}, 'm')
		if len(s) != 1 {
			t.Fatalf("%+v: saved %+v", tag, s)
		}
		if other, ok := ids[s[0].ID]; ok {
			t.Errorf("mutes %+v and %+v share the id %s", other, s[0], s[0].ID)
		}
		ids[s[0].ID] = s[0]
	}
	saved, _ = tagRuleOn(t, []engine.AttackTag{scanner, muted}, 'm')
	if len(saved) != 0 {
		t.Errorf("saved %+v from a muted and a session-wide tag", saved)
	}
}

// TestVirtualPatchSkipsBodyPoints checks that v proposes a patch at the
// first tag's point a patch can see, and that with body points only it
// proposes nothing and says why.
func TestVirtualPatchSkipsBodyPoints(t *testing.T) {
	body := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.json.q", Rule: "libinjection-sqli"}
	saved, _ := tagRuleOn(t, []engine.AttackTag{body, {Type: engine.AttackSQLi, Point: "req.header.Referer", Rule: "libinjection-sqli"}}, 'v')
	if len(saved) != 1 || saved[0].Point != "req.header.Referer" || saved[0].Action != rules.VirtualPatch {
		t.Fatalf("saved %+v, want a virtual patch at req.header.Referer", saved)
	}
	saved, notice := tagRuleOn(t, []engine.AttackTag{body, {Type: engine.AttackXSS, Point: "req.form.c", Rule: "libinjection-xss"}}, 'v')
	if len(saved) != 0 || !strings.Contains(notice, "before its body is read") {
		t.Errorf("body points only: saved %+v, notice %q", saved, notice)
	}
}

// TestRuleIDsKeepLongEndpointsApart checks that ids cut to 64 characters
// still differ when long endpoints share their start.
func TestRuleIDsKeepLongEndpointsApart(t *testing.T) {
	long := "libinjection-sqli-req.query.id-/api/v1/organisations/{id}/projects/{id}/"
	a, b := ruleID("mute", long+"members"), ruleID("mute", long+"invoices")
	if a == b || len(a) > 64 || len(b) > 64 {
		t.Errorf("ids %q and %q", a, b)
	}
	for _, id := range []string{a, b} {
		r := rules.Rule{ID: id, Action: rules.Mute, Filter: "endpoint:/x", RuleID: "r"}
		if _, err := r.Validate(); err != nil {
			t.Errorf("id %q: %v", id, err)
		}
	}
}

// TestEditRuleEndToEnd runs a real program: R opens the rules, e edits
// the first, the status becomes 429 with a why typed (q among its
// letters, which the form takes rather than quitting), enter previews
// the edited rule and y saves it; the list then shows the new status.
func TestEditRuleEndToEnd(t *testing.T) {
	b := &rulesBackend{saved: []rules.Rule{{ID: "block-mallory", Action: rules.Block, Filter: "user:mallory"}}}
	tm := teatest.NewTestModel(t, New(Options{Source: fixtureSource(), Title: testTitle, Now: fixtureNow, Rules: b}), teatest.WithInitialTermSize(100, 30))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("alice@example.com")
	tm.Send(press('R'))
	wait("block-mallory")
	tm.Send(press('e'))
	wait("edit block-mallory (block)")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	for range 3 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type("429")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Type("quiet down")
	tm.Send(keyEnter)
	wait("would have hit 131")
	tm.Send(press('y'))
	// The preview shows "→ 429" too: wait for the list, back after the save.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("ACTION")) && bytes.Contains(b, []byte("→ 429"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(keyEsc)
	// esc answers with a command that closes the rules: q before it lands
	// would quit from the rules screen.
	wait("alice@example.com")
	tm.Send(press('q'))
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a tui.Model")
	}
	if len(b.saved) != 1 || b.saved[0].Status != 429 || b.saved[0].Filter != "user:mallory" {
		t.Fatalf("saved %+v, want block-mallory answering 429", b.saved)
	}
	if final.focus == focusRules {
		t.Fatal("esc did not leave the rules screen")
	}
}

// TestMuteShowsAtOnce mutes the open request's tag with m and y: the
// request on display and its session's requests are read again, so the
// tag shows as muted in the detail view and, back with esc, in the
// sequence, without reopening either.
func TestMuteShowsAtOnce(t *testing.T) {
	src := fixtureSource()
	b := &rulesBackend{}
	hs := newRulesHarnessOn(t, src, b, 160, 48)
	hs.keys(keyDown, keyDown, keyEnter, keyEnter)
	if hs.m.focus != focusDetail {
		t.Fatalf("not on a request: focus %d\n%s", hs.m.focus, hs.view())
	}
	x := hs.m.detail.Exchange()
	tag := engine.AttackTag{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli"}
	src.setAttacks(x.ID, tag)
	x.Attacks = []engine.AttackTag{tag}
	hs.m.detail.Open(x, hs.m.sequence.Session())
	b.saving = func(r rules.Rule) {
		muted := tag
		muted.MutedBy = r.ID
		src.setAttacks(x.ID, muted)
	}
	hs.keys(press('m'), press('y'))
	hs.fire()
	if len(b.saved) != 1 {
		t.Fatalf("saved %+v, want one mute", b.saved)
	}
	id := b.saved[0].ID
	if got := hs.m.detail.Exchange().Attacks; len(got) != 1 || got[0].MutedBy != id {
		t.Errorf("detail shows %+v after the mute, want the tag muted by %s", got, id)
	}
	hs.keys(tea.KeyPressMsg{Code: tea.KeyTab}, tea.KeyPressMsg{Code: tea.KeyTab})
	if v := hs.view(); !strings.Contains(v, "(muted by "+id+")") {
		t.Errorf("detail view does not show the tag muted:\n%s", v)
	}
	hs.keys(keyEsc)
	if hs.m.focus != focusSequence {
		t.Fatalf("esc: focus %d, want the sequence", hs.m.focus)
	}
	sel, ok := hs.m.sequence.Selected()
	if !ok || sel.ID != x.ID || len(sel.Attacks) != 1 || sel.Attacks[0].MutedBy != id {
		t.Errorf("sequence holds %+v for request %d, want its tag muted by %s", sel.Attacks, x.ID, id)
	}
}
