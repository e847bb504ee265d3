package store

import (
	"errors"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine/rules"
)

func TestRulesKeepHistory(t *testing.T) {
	s := openTemp(t, Options{})
	at := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	r := rules.Rule{ID: "block-mallory", Action: rules.Block, Filter: "user:mallory"}
	if err := s.PutRules([]rules.Rule{r}, "alice", "credential stuffing", at); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRules([]rules.Rule{r}, "alice", "again", at); err != nil {
		t.Fatal(err)
	}
	r.Status = 429
	if err := s.PutRules([]rules.Rule{r}, "bob", "softer", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Rules()
	if err != nil || len(got) != 1 || got[0].Status != 429 {
		t.Fatalf("rules = %+v, %v", got, err)
	}
	if err := s.DeleteRule("block-mallory", "carol", "done", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRule("block-mallory", "carol", "", at); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
	hist, err := s.RuleHistory()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ change, by, why string }{{RuleCreated, "alice", "credential stuffing"}, {RuleChanged, "bob", "softer"}, {RuleRemoved, "carol", "done"}}
	if len(hist) != len(want) {
		t.Fatalf("history %+v", hist)
	}
	for i, w := range want {
		if hist[i].Change != w.change || hist[i].By != w.by || hist[i].Why != w.why || hist[i].Rule.ID != "block-mallory" {
			t.Errorf("change %d = %+v, want %+v", i, hist[i], w)
		}
	}
	if got, _ := s.Rules(); len(got) != 0 {
		t.Fatalf("rules after removal: %+v", got)
	}
}
