package query

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// impactConditions are rule conditions of each kind the preview runs: a
// block by user, address, key or path, and a virtual patch or mute
// narrowed to an attack type.
func impactConditions() []string {
	return []string{
		"user:u7", "ip:10.1.0.0/24", "path:/api/items/** method:GET",
		"endpoint:/api/search attack:sqli", "flow:Auth", "user:u1* method:POST", "blocked:any", "curl/8",
	}
}

// moreImpactConditions are the other kinds the counts are checked on: a
// key value, a verdict alone and with a term about requests, negated
// terms about requests (a session's verdict on them needs all its
// requests, not only those an index named), a bare word with a term the
// summary answers, one only endpoints match, and the empty condition.
func moreImpactConditions() []string {
	return []string{
		"key:10.1.0.7*", "abuse:scraping", "abuse:any method:POST", "abuse:any !path:/login",
		"!method:GET endpoint:/api/search", "status:4xx !path:/login", "attack:sqli !blocked:any",
		"mozilla status:404", "reviews", "key:10.1.0.1* !method:GET", "user:u2* !user:u22*", "",
	}
}

// writeImpactStore writes n exchanges from actors users signing in with
// X-User, every 50th a SQL injection on /api/search, every 200th blocked,
// into a new store at path. With verdicts, every 37th actor's sessions
// carry a scraping verdict (the million-exchange store of the benchmark
// has none).
func writeImpactStore(tb testing.TB, path string, n, actors int, verdicts bool) *store.Store {
	tb.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := engine.DefaultConfig()
	cfg.Context = []engine.ContextParam{{Point: "req.header.X-User", Type: engine.ParamUser}}
	a, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher(st.Secret()))
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	paths := []string{"/login", "/api/items/{n}", "/api/search", "/api/cart", "/api/items/{n}/reviews"}
	batch := make([]ingest.Record, 0, 10_000)
	for i := range n {
		actor := i * 7919 % actors
		x := &engine.Exchange{
			Start: at.Add(time.Duration(i) * 100 * time.Millisecond), Duration: time.Millisecond,
			ClientIP: fmt.Sprintf("10.1.%d.%d", actor>>8&255, actor&255), Host: "shop.test",
			Method: []string{"GET", "GET", "POST"}[i%3], Path: strings.ReplaceAll(paths[i%len(paths)], "{n}", strconv.Itoa(i%97)),
			Status: []int{200, 200, 201, 404}[i%4],
			ReqHeaders: []engine.Header{
				{Name: "X-User", Value: fmt.Sprintf("u%d", actor%(actors/2+1))},
				{Name: "User-Agent", Value: []string{"curl/8.5.0", "Mozilla/5.0", "python-requests/2.31"}[actor%3]},
			},
		}
		if i%50 == 0 {
			x.Path, x.Query = "/api/search", "q=1'+OR+'1'='1"
			x.Attacks = []engine.AttackTag{{Type: engine.AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli"}}
		}
		if i%200 == 0 {
			x.Status, x.BlockedBy = 403, "patch-search"
		}
		s := a.Analyze(x)
		if verdicts && actor%37 == 0 && len(s.Abuse) == 0 {
			s.Abuse = []engine.Verdict{{Type: engine.AbuseScraping, Confidence: 0.9, Evidence: 1}}
		}
		batch = append(batch, ingest.Record{Exchange: x, Session: s})
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Write(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return st
}

// searchMute mutes the SQL injection tags of /api/search from the
// addresses 10.1.0.0/21: about two thirds of the tags of
// writeImpactStore's 3,000 actors, stored before the mute.
var searchMute = rules.Rule{ID: "fp-search", Action: rules.Mute, Filter: "endpoint:/api/search ip:10.1.0.0/21", Attack: engine.AttackSQLi}

// userMute mutes the SQL injection tags of the users u1*.
var userMute = rules.Rule{ID: "fp-u1", Action: rules.Mute, Filter: "user:u1*", Attack: engine.AttackSQLi}

// impactReads is a store's reads as a preview and the list commands
// take them: the store's own, or Muting's.
type impactReads interface {
	Indexed
	Sessions(limit int) ([]engine.Session, error)
}

// TestImpactEqualsTheQueries is Must show 2 of issue 19 (counts): over
// 100,000 exchanges, the preview of each condition counts what spoor
// requests and spoor sessions list for it (the same query), and what a
// plain walk of every stored request and session with the filter finds,
// which shares no planning with the query; with no mute in force, and
// with a mute saved after the traffic, where all three read through
// Muting (the reads of spoor sessions --filter then).
func TestImpactEqualsTheQueries(t *testing.T) {
	st := writeImpactStore(t, filepath.Join(t.TempDir(), "impact.db"), 100_000, 3000, true)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	set, err := rules.Compile([]rules.Rule{searchMute})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	muted := Muted(st, func() engine.Muter { return set.Muter(now) })
	all := append(impactConditions(), moreImpactConditions()...)
	plain := checkImpacts(t, "no mute", st, all)
	withMute := checkImpacts(t, "a mute", muted, all)
	// A mute judged with the request's session: the pass reads the
	// sessions of the tags it covers.
	bySession, err := rules.Compile([]rules.Rule{searchMute, userMute})
	if err != nil {
		t.Fatal(err)
	}
	checkImpacts(t, "a mute by user", Muted(st, func() engine.Muter { return bySession.Muter(now) }), impactConditions())
	for _, expr := range []string{"endpoint:/api/search attack:sqli", "attack:sqli !blocked:any"} {
		if withMute[expr].Requests >= plain[expr].Requests || withMute[expr].Sessions >= plain[expr].Sessions {
			t.Errorf("%q: with the mute %+v, without %+v: the mute should take requests and sessions out", expr, withMute[expr], plain[expr])
		}
	}
	if withMute["user:u1* method:POST"].CleanSessions <= plain["user:u1* method:POST"].CleanSessions {
		t.Errorf("the mute should leave more sessions clean: %+v with it, %+v without", withMute["user:u1* method:POST"], plain["user:u1* method:POST"])
	}
}

// checkImpacts checks every condition's impact over reads against the
// queries and a walk, and returns the impacts by condition.
func checkImpacts(t *testing.T, name string, reads impactReads, conditions []string) map[string]Impact {
	t.Helper()
	ctx := context.Background()
	all, err := reads.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	requests := map[string][]engine.Exchange{}
	for _, s := range all {
		if requests[s.ID], err = reads.Requests(s.ID); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]Impact{}
	for _, expr := range conditions {
		f, err := filter.Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		im, err := ImpactOf(ctx, reads, Options{Filter: f})
		if err != nil {
			t.Fatalf("%s, %q: %v", name, expr, err)
		}
		out[expr] = im
		xs, _, err := CollectRequests(ctx, reads, RequestOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		ss, _, err := CollectSessions(ctx, reads, Options{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		var walk Impact
		users, flows := map[string]int{}, map[string]int{}
		for i := range all {
			s := &all[i]
			if f.MatchSessionRequests(s, requests[s.ID]) {
				walk.Sessions++
				if Clean(s) {
					walk.CleanSessions++
				}
				if s.User != "" {
					users[s.User]++
				}
			}
			for j := range requests[s.ID] {
				x := &requests[s.ID][j]
				if f.MatchRequest(x, s) {
					walk.Requests++
					for _, fl := range x.Flows {
						flows[fl]++
					}
				}
			}
		}
		walk.Users, walk.Flows = len(users), len(flows)
		walk.TopUsers, walk.TopFlows = top(users), top(flows)
		if im.Requests != len(xs) || im.Sessions != len(ss) {
			t.Errorf("%s, %q: impact %d requests, %d sessions; the queries list %d and %d", name, expr, im.Requests, im.Sessions, len(xs), len(ss))
		}
		if clean := countClean(ss); im.CleanSessions != clean {
			t.Errorf("%s, %q: impact %d clean sessions; the sessions query lists %d", name, expr, im.CleanSessions, clean)
		}
		if !reflect.DeepEqual(im, walk) {
			t.Errorf("%s, %q: impact %+v, a walk of the store finds %+v", name, expr, im, walk)
		}
		if slices.Contains(impactConditions(), expr) {
			// The way a source that cannot scan is previewed.
			byQueries, err := impactByQueries(ctx, reads, Options{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(im, byQueries) {
				t.Errorf("%s, %q: impact %+v, the two queries' %+v", name, expr, im, byQueries)
			}
		}
		if im.Requests == 0 || im.Sessions == 0 {
			t.Errorf("%s, %q hits %d requests, %d sessions: the fixture should exercise it", name, expr, im.Requests, im.Sessions)
		}
	}
	return out
}

func countClean(ss []engine.Session) int {
	n := 0
	for i := range ss {
		if Clean(&ss[i]) {
			n++
		}
	}
	return n
}

// BenchmarkImpactMillion previews each condition over a store of a
// million exchanges from 20,000 actors (built once in SPOOR_BENCH_DIR
// when set), read as stored and through Muting with one mute in force
// (the muted/ cases).
func BenchmarkImpactMillion(b *testing.B) {
	if os.Getenv("SPOOR_BENCH_LARGE") == "" {
		b.Skip("set SPOOR_BENCH_LARGE=1 to run the million-exchange benchmarks")
	}
	dir := os.Getenv("SPOOR_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "impact-1000000.db")
	if _, err := os.Stat(path); err != nil {
		writeImpactStore(b, path+".tmp", 1_000_000, 20_000, false).Close()
		if err := os.Rename(path+".tmp", path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	set, err := rules.Compile([]rules.Rule{millionMute})
	if err != nil {
		b.Fatal(err)
	}
	muted := Muted(st, func() engine.Muter { return set.Muter(time.Now()) })
	for _, reads := range []struct {
		name string
		ix   Indexed
	}{{"", st}, {"muted/", muted}} {
		for _, expr := range impactConditions() {
			f, err := filter.Parse(expr)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(reads.name+expr, func(b *testing.B) {
				for b.Loop() {
					if _, err := ImpactOf(context.Background(), reads.ix, Options{Filter: f}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// millionMute is the mute in force for BenchmarkImpactMillion's muted/
// cases: the SQL injection tags of /api/search from 10.1.0.0/19, 8,200 of
// the million-exchange store's 20,000.
var millionMute = rules.Rule{ID: "fp-search", Action: rules.Mute, Filter: "endpoint:/api/search ip:10.1.0.0/19", Attack: engine.AttackSQLi}

// TestImpactOfAnEmptyStore previews conditions of each way the pass takes
// over a store with nothing in it: all zero, no error.
func TestImpactOfAnEmptyStore(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "empty.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	for _, expr := range append(impactConditions(), moreImpactConditions()...) {
		f, err := filter.Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		im, err := ImpactOf(context.Background(), st, Options{Filter: f})
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		if im.Requests != 0 || im.Sessions != 0 || im.Users != 0 || im.Flows != 0 || im.CleanSessions != 0 {
			t.Errorf("%q over an empty store: %+v", expr, im)
		}
	}
}
