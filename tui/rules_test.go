package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/query"
)

// rulesBackend records what the screens saved and previews every rule
// with the same impact, naming the filter in the top users so that a
// golden shows which condition was measured.
type rulesBackend struct {
	saved []rules.Rule
}

func (b *rulesBackend) Rules() ([]rules.Rule, error) { return b.saved, nil }

func (b *rulesBackend) Preview(r rules.Rule) (query.Impact, error) {
	return query.Impact{Requests: 131, Sessions: 4, Users: 2, Flows: 1, CleanSessions: 2,
		TopUsers: []query.Count{{Name: "bob", N: 2}}, TopFlows: []query.Count{{Name: "Auth", N: 120}}}, nil
}

func (b *rulesBackend) Save(r rules.Rule, _ string) error {
	b.saved = append(b.saved, r)
	return nil
}

func (b *rulesBackend) Remove(string, string) error { return nil }

func newRulesHarness(t *testing.T, b *rulesBackend, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: fixtureSource(), Title: testTitle, Now: fixtureNow, Rules: b})
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
				rules.Rule{ID: "mute-sqli_api_v1_users", Action: rules.Mute, Filter: "endpoint:/api/v1/users", RuleID: "libinjection-sqli", Point: "req.query.id"}},
			{"virtual-patch", 'v', []string{"virtual patch sqli on /api/v1/users"},
				rules.Rule{ID: "virtual_patch-sqli_api_v1_users", Action: rules.VirtualPatch, Filter: "endpoint:/api/v1/users", Attack: "sqli"}},
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
	}
}
