package query

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// writeMuteStore writes n exchanges from 200 addresses, every 10th an
// xss on /api/comments (req.json.body) and every 25th a sqli on
// /api/search (req.query.q), with no mute in force when they were stored.
func writeMuteStore(tb testing.TB, path string, n int) *store.Store {
	tb.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	a, err := engine.NewAnalyzerFromConfig(engine.DefaultConfig(), engine.NewHasher(st.Secret()))
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	batch := make([]ingest.Record, 0, 5_000)
	for i := range n {
		x := &engine.Exchange{Start: at.Add(time.Duration(i) * time.Second), ClientIP: fmt.Sprintf("10.2.0.%d", i%200),
			Host: "shop.test", Method: "GET", Path: "/api/items", Status: 200,
			ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "curl/8.5.0"}}}
		switch {
		case i%10 == 0:
			x.Method, x.Path = "POST", "/api/comments"
			x.Attacks = []engine.AttackTag{{Type: engine.AttackXSS, Point: "req.json.body", Rule: "libinjection-xss"}}
		case i%25 == 1:
			x.Path, x.Query = "/api/search", "q=1'+OR+'1'='1"
			x.Attacks = []engine.AttackTag{{Type: engine.AttackSQLi, Point: "req.query.q", Rule: "libinjection-sqli"}}
		}
		batch = append(batch, ingest.Record{Exchange: x, Session: a.Analyze(x)})
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Write(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return st
}

// commentsMute mutes the xss of req.json.body on POST /api/comments from
// half the addresses.
var commentsMute = rules.Rule{ID: "fp-comments", Action: rules.Mute, Filter: "endpoint:/api/comments ip:10.2.0.0/25", Attack: engine.AttackXSS, Point: "req.json.body"}

// TestMutingCountsWhatAWalkCounts saves a mute after the traffic and
// checks that the sessions and requests queries over Muting, planned on
// the attack index, find what a plain walk of every stored request finds
// when it judges each tag with the rule set itself, and that the sessions'
// counts agree with it.
func TestMutingCountsWhatAWalkCounts(t *testing.T) {
	st := writeMuteStore(t, filepath.Join(t.TempDir(), "mute.db"), 5_000)
	defer st.Close()
	set, err := rules.Compile([]rules.Rule{commentsMute})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	reads := Muted(st, func() engine.Muter { return set.Muter(now) })

	wantTags := map[string]int{} // session → counted xss tags
	wantRequests, muted := 0, 0
	all, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		xs, err := st.Requests(all[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		for j := range xs {
			for _, tag := range xs[j].Attacks {
				if tag.Type != engine.AttackXSS {
					continue
				}
				if _, ok := set.Mute(&xs[j], &all[i], tag, now); ok {
					muted++
					continue
				}
				wantTags[all[i].ID]++
				wantRequests++
			}
		}
	}
	if muted == 0 || wantRequests == 0 {
		t.Fatalf("the fixture must have muted (%d) and counted (%d) xss tags", muted, wantRequests)
	}

	f, err := filter.Parse("attack:xss")
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := CollectSessions(context.Background(), reads, Options{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(wantTags) {
		t.Fatalf("attack:xss lists %d sessions, a walk finds %d", len(got), len(wantTags))
	}
	for _, s := range got {
		if s.Attacks[engine.AttackXSS] != wantTags[s.ID] {
			t.Errorf("session %s counts %d xss, a walk %d", s.ID, s.Attacks[engine.AttackXSS], wantTags[s.ID])
		}
	}
	xs, _, err := CollectRequests(context.Background(), reads, RequestOptions{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != wantRequests {
		t.Fatalf("attack:xss lists %d requests, a walk finds %d", len(xs), wantRequests)
	}
	page, err := reads.RequestsPage(all[0].ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range page {
		for _, tag := range x.Attacks {
			if _, ok := set.Mute(&x, &all[0], tag, now); ok != (tag.MutedBy == commentsMute.ID) {
				t.Errorf("request %d: tag %+v read with muted_by %q", x.ID, tag, tag.MutedBy)
			}
		}
	}
}

// BenchmarkMutedSessions lists the sessions with an xss tag over 100,000
// exchanges (10,000 xss tags), without a mute and with one that covers
// half of them: the cost of marking stored history when it is read.
func BenchmarkMutedSessions(b *testing.B) {
	st := writeMuteStore(b, filepath.Join(b.TempDir(), "mute.db"), 100_000)
	defer st.Close()
	set, err := rules.Compile([]rules.Rule{commentsMute})
	if err != nil {
		b.Fatal(err)
	}
	f, err := filter.Parse("attack:xss")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name  string
		mutes func() engine.Muter
	}{{"none", nil}, {"mute", func() engine.Muter { return set.Muter(now) }}} {
		b.Run(bc.name, func(b *testing.B) {
			reads := Muted(st, bc.mutes)
			for b.Loop() {
				if _, _, err := CollectSessions(context.Background(), reads, Options{Filter: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSavedMutesExpire reads through SavedMutes while its clock passes a
// mute's expiry: the muted tags count again from the first read after it,
// as an interface kept open must show.
func TestSavedMutesExpire(t *testing.T) {
	st := writeMuteStore(t, filepath.Join(t.TempDir(), "expire.db"), 500)
	defer st.Close()
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	mute := commentsMute
	mute.Expires = now.Add(time.Hour)
	if err := st.PutRules([]rules.Rule{mute}, "test", "expiring", now); err != nil {
		t.Fatal(err)
	}
	clock := now
	reads, err := SavedMutes(st, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	f, err := filter.Parse("attack:xss")
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		xs, _, err := CollectRequests(context.Background(), reads, RequestOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		return len(xs)
	}
	during := count()
	clock = now.Add(2 * time.Hour)
	after := count()
	if after != 50 || during >= after || during == 0 {
		t.Errorf("attack:xss lists %d requests while the mute holds and %d after it expired; want fewer than 50, then all 50", during, after)
	}
}
