package workstation

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/spoorhq/spoor/engine/rules"
)

// TestSaveRulesConcurrently saves from two goroutines at once, as the
// TUI and the --rules file watcher may, and checks after every round
// that no save was lost and that the gate applies exactly the rules the
// store holds.
func TestSaveRulesConcurrently(t *testing.T) {
	w, err := Open(Options{Store: filepath.Join(t.TempDir(), "rules.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	const rounds = 20
	for round := range rounds {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for g := range 2 {
			wg.Go(func() {
				r := rules.Rule{ID: fmt.Sprintf("g%d-r%d", g, round), Action: rules.Block, Filter: fmt.Sprintf("ip:198.51.100.%d", g+1)}
				if round%5 == 4 {
					// Both change one shared rule: one of the two statuses wins.
					r = rules.Rule{ID: "shared", Action: rules.Block, Filter: "path:/admin", Status: 403 + 26*g}
				}
				errs[g] = w.SaveRules([]rules.Rule{r}, fmt.Sprintf("saver-%d", g), "concurrency test")
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		stored, err := w.store.Rules()
		if err != nil {
			t.Fatal(err)
		}
		applied := w.gate.set.Load().Rules()
		slices.SortFunc(applied, func(a, b rules.Rule) int { return cmp.Compare(a.ID, b.ID) })
		if !slices.Equal(stored, applied) {
			t.Fatalf("round %d: the gate applies\n%v\nthe store holds\n%v", round, applied, stored)
		}
	}
	stored, err := w.store.Rules()
	if err != nil {
		t.Fatal(err)
	}
	// Two savers a round, one shared id in 4 of the 20 rounds.
	if want := 2*(rounds-rounds/5) + 1; len(stored) != want {
		t.Fatalf("%d rules stored, want %d: a concurrent save was lost", len(stored), want)
	}
}
