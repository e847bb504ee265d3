package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
)

// agreeStore writes n generated exchanges to a store in t.TempDir() in
// batches of 10,000, as the pipeline's writer does, and returns it with
// the time of the last exchange. Actors are users or not, some attack,
// some are judged abusive, and addresses are inside and outside
// 10.0.0.0/8, so that each filter of TestQueryAgreement selects a part.
func agreeStore(t *testing.T, n int) (*store.Store, time.Time) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "agree.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
	rng := rand.New(rand.NewPCG(24, 24))
	at := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	paths := [...]string{"/api/users/%d", "/api/orders/%d", "/login", "/api/items", "/users/%d", "/admin/stats"}
	statuses := [...]int{200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 404, 500, 503}
	names := [...]string{"alice", "alicia", "bob", "carol", ""}
	batch := make([]ingest.Record, 0, 10_000)
	for i := range n {
		actor := rng.IntN(3000)
		at = at.Add(time.Duration(rng.IntN(60)) * time.Millisecond)
		if i%20_000 == 19_999 {
			at = at.Add(45 * time.Minute) // a quiet spell: every session ends
		}
		path := paths[rng.IntN(len(paths))]
		if path[len(path)-1] == 'd' {
			path = fmt.Sprintf(path, rng.IntN(400))
		}
		ip := fmt.Sprintf("10.%d.%d.%d", actor%4, actor/4%250, 1+actor%5)
		if actor%3 == 0 {
			ip = fmt.Sprintf("192.168.%d.%d", actor%250, 1+actor%7)
		}
		x := &engine.Exchange{
			Start: at, Duration: time.Duration(1+rng.IntN(1000)) * time.Millisecond,
			ClientIP: ip, Method: [...]string{"GET", "GET", "POST", "DELETE"}[rng.IntN(4)],
			Host: "api.test", Path: path, Status: statuses[rng.IntN(len(statuses))],
			ReqHeaders: []engine.Header{
				{Name: "User-Agent", Value: fmt.Sprintf("client/%d", actor%13)},
				{Name: "Cookie", Value: fmt.Sprintf("sid=a%04d", actor)},
			},
			RespBody: engine.Body{Size: int64(rng.IntN(5000))},
		}
		if actor%11 == 0 {
			x.Status = statuses[6+rng.IntN(len(statuses)-6)] // a client that never succeeds
		}
		if actor%17 == 0 && rng.IntN(4) == 0 {
			x.Attacks = []engine.AttackTag{{Type: [...]string{"sqli", "xss", "path_traversal"}[actor%3], Point: "req.query.q", Rule: "test"}}
		}
		sess := a.Process(x)
		sess.User = names[actor%len(names)]
		if sess.User != "" {
			sess.User = fmt.Sprintf("%s%d", sess.User, actor%3)
		}
		switch actor % 29 {
		case 0:
			sess.Abuse = []engine.Verdict{{Type: engine.AbuseScraping, Confidence: 0.8}}
		case 1:
			sess.Abuse = []engine.Verdict{{Type: engine.AbuseDeclaredCrawler, Confidence: 1}}
		}
		batch = append(batch, ingest.Record{Exchange: x, Session: &sess})
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Write(batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return st, at
}

// TestQueryAgreement shows that the TUI's sessions load (loadSessions, with
// its scan bound) and the CLI's query (spoor sessions and spoor requests
// call query.CollectSessions and query.CollectRequests with these options)
// return the same sessions and requests on a store of 100,000 exchanges,
// and that both equal judging every session and request with the filter,
// as the CLI did before it planned onto the indexes.
func TestQueryAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a store of 100,000 exchanges")
	}
	began := time.Now()
	st, end := agreeStore(t, 100_000)
	t.Logf("store written in %v", time.Since(began))
	ctx := context.Background()
	all, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	requests := make([][]engine.Exchange, len(all))
	for i := range all {
		if requests[i], err = st.Requests(all[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	filters := []string{
		"attack:any",
		"status:404",
		"status:5xx ip:10.0.0.0/8",
		"user:alice*",
		"abuse:any",
		"method:POST path:/api/**",
		"since:1h",
		"!status:2xx",
		"orders",
		"endpoint:/users/{id} dur:>500ms",
	}
	for _, expr := range filters {
		t.Run(expr, func(t *testing.T) {
			f, err := filter.ParseOptions(expr, filter.Options{Now: end})
			if err != nil {
				t.Fatal(err)
			}
			// Judging everything: the reference.
			var wantSessions []string
			var wantRequests []uint64
			for i := range all {
				s, xs := &all[i], requests[i]
				if f.MatchSessionRequests(s, xs) {
					wantSessions = append(wantSessions, s.ID)
				}
				for j := range xs {
					if f.MatchRequest(&xs[j], s) {
						wantRequests = append(wantRequests, xs[j].ID)
					}
				}
			}
			slices.Sort(wantRequests)
			if len(wantSessions) == 0 || len(wantSessions) == len(all) || len(wantRequests) == 0 {
				t.Fatalf("%q selects %d of %d sessions and %d requests: the fixture should make it select a part", expr, len(wantSessions), len(all), len(wantRequests))
			}

			cli, stats, err := query.CollectSessions(ctx, st, query.Options{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Partial {
				t.Fatalf("the CLI's query is unbounded but says partial: %v", stats)
			}
			if got := idsOf(cli); !slices.Equal(got, wantSessions) {
				t.Fatalf("CLI sessions: %d, want %d (%v)\n got %.5v\nwant %.5v", len(got), len(wantSessions), stats, got, wantSessions)
			}

			msg, ok := loadSessions(st, sessionLimit, f, 7)().(sessionsLoadedMsg)
			if !ok {
				t.Fatalf("loadSessions did not return sessions")
			}
			if msg.stats.Partial {
				t.Fatalf("the TUI's load was cut short on a store this small: %v", msg.stats)
			}
			n := min(sessionLimit, len(wantSessions))
			if got := idsOf(msg.sessions); !slices.Equal(got, wantSessions[:n]) {
				t.Fatalf("TUI sessions: %d, want the CLI's first %d (%v)", len(got), n, msg.stats)
			}

			xs, rstats, err := query.CollectRequests(ctx, st, query.RequestOptions{Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]uint64, len(xs))
			for i := range xs {
				got[i] = xs[i].ID
			}
			if !slices.Equal(got, wantRequests) {
				t.Fatalf("CLI requests: %d, want %d (%v)", len(got), len(wantRequests), rstats)
			}

			// The TUI shows a listed session's requests (loadRequests); the
			// ones the filter matches are what spoor requests --session
			// lists for it.
			open := msg.sessions[0]
			loaded, ok := loadRequests(st, open.ID, open.Requests, 0)().(requestsLoadedMsg)
			if !ok {
				t.Fatalf("loadRequests did not return requests")
			}
			var shown []uint64
			for i := range loaded.exchanges {
				if f.MatchRequest(&loaded.exchanges[i], &open) {
					shown = append(shown, loaded.exchanges[i].ID)
				}
			}
			one, _, err := query.CollectRequests(ctx, st, query.RequestOptions{Filter: f, SessionID: open.ID})
			if err != nil {
				t.Fatal(err)
			}
			oneIDs := make([]uint64, len(one))
			for i := range one {
				oneIDs[i] = one[i].ID
			}
			if !slices.Equal(oneIDs, shown) {
				t.Fatalf("session %s: CLI requests %v, TUI shows %v", open.ID, oneIDs, shown)
			}
		})
	}
}

func idsOf(list []engine.Session) []string {
	out := make([]string, len(list))
	for i := range list {
		out[i] = list[i].ID
	}
	return out
}
