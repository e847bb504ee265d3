package workstation

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
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

// TestMuteSavedLaterReachesLiveReads captures sqli requests from two
// addresses through the proxy, then saves a mute of one address's sqli:
// the workstation's reads (what the TUI lists) and its live inventory
// leave the stored tags of that address out at once, and the requests
// keep them, marked muted by the rule.
func TestMuteSavedLaterReachesLiveReads(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "[]") }))
	defer upstream.Close()
	w, err := Open(Options{Store: filepath.Join(t.TempDir(), "mute.db"), Upstream: upstream.URL, Listen: "127.0.0.1:0",
		TrustForwarded: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	for i, ip := range []string{"198.51.100.7", "198.51.100.7", "203.0.113.9"} {
		req, _ := http.NewRequest("GET", "http://"+w.Addr()+"/search?q=1'%20OR%20'1'='1&n="+strconv.Itoa(i), nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	reads := w.Reads()
	sqli := func() (sessions, tags int) {
		ss, err := reads.Sessions(0)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if n := s.Attacks[engine.AttackSQLi]; n > 0 {
				sessions, tags = sessions+1, tags+n
			}
		}
		return sessions, tags
	}
	waitFor(t, 10*time.Second, func() bool { _, n := sqli(); return n == 3 })
	endpointTags := func() int64 {
		rows, err := w.Endpoints(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rows {
			if e.Template == "/search" {
				return e.Attacks[engine.AttackSQLi]
			}
		}
		return -1
	}
	waitFor(t, 10*time.Second, func() bool { return endpointTags() == 3 })

	if err := w.SaveRules([]rules.Rule{{ID: "fp-scanner", Action: rules.Mute, Filter: "ip:198.51.100.7", Attack: engine.AttackSQLi}}, "test", "our scanner"); err != nil {
		t.Fatal(err)
	}
	if s, n := sqli(); s != 1 || n != 1 {
		t.Fatalf("after the mute: sqli in %d sessions, %d tags; want 203.0.113.9's alone", s, n)
	}
	if n := endpointTags(); n != 1 {
		t.Fatalf("after the mute, /search counts %d sqli tags, want 1", n)
	}
	xs, err := reads.ExchangesPage(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	muted := 0
	for _, x := range xs {
		for _, tag := range x.Attacks {
			if tag.MutedBy == "fp-scanner" {
				muted++
			}
		}
	}
	if muted != 2 {
		t.Fatalf("%d tags read as muted by fp-scanner, want 2", muted)
	}
}
