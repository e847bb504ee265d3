package workstation

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// TestRegroupWhileCapturing regroups a live capture's history while traffic
// keeps arriving, and checks that every exchange, before, during and after,
// ends up grouped the new way: regrouping the result again with the same
// configuration changes nothing.
func TestRegroupWhileCapturing(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer upstream.Close()
	db := filepath.Join(t.TempDir(), "live.db")
	w, err := Open(Options{Store: db, Upstream: upstream.URL, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			w.Close()
		}
	}()
	// Three actors on one address: cookies tell them apart, and two of
	// them share a team header, which the new grouping prefers.
	actors := []struct{ sid, team string }{{"a", "red"}, {"b", "red"}, {"c", "blue"}}
	client := &http.Client{Timeout: 5 * time.Second}
	var sent int
	var mu sync.Mutex
	send := func(n int) {
		t.Helper()
		for i := range n {
			a := actors[i%len(actors)]
			req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/items/%d", w.Addr(), i), nil)
			req.Header.Set("Cookie", "sid="+a.sid)
			req.Header.Set("X-Team", a.team)
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			sent++
			mu.Unlock()
		}
	}
	waitStored := func(n int) {
		t.Helper()
		waitFor(t, 60*time.Second, func() bool {
			got, _, err := w.store.Count()
			return err == nil && got >= n
		})
	}
	send(30)
	waitStored(30)

	cfg := engine.DefaultConfig()
	cfg.Grouping.Keys = []string{"req.header.X-Team"}
	var during sync.WaitGroup
	during.Add(1)
	go func() { defer during.Done(); send(15) }() // traffic while the history is regrouped
	var calls int
	if err := w.Regroup(context.Background(), cfg, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	during.Wait()
	send(9)
	waitStored(sent)
	if calls == 0 {
		t.Error("regroup reported no progress")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	stopped = true

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
	before, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("%d sessions after regrouping by team, want 2 (red, blue)", len(before))
	}
	total := 0
	for _, s := range before {
		total += s.Requests
		if s.KeyPoint != "req.header.X-Team" {
			t.Errorf("session %s keyed by %s, want req.header.X-Team", s.ID, s.KeyPoint)
		}
	}
	if total != sent {
		t.Errorf("sessions count %d requests, %d were sent", total, sent)
	}
	if saved, err := st.Config(); err != nil || !strings.Contains(string(saved), "X-Team") {
		t.Errorf("saved configuration %q, %v: want the new grouping", saved, err)
	}

	// Regrouping the store again with the same configuration is a fixed
	// point: the live regroup grouped everything as a full one does.
	a, err := NewAnalyzer(cfg, st.Secret())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Regroup(context.Background(), Grouper{a}, store.RegroupOptions{}); err != nil {
		t.Fatal(err)
	}
	after, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("a second regroup made %d sessions from %d", len(after), len(before))
	}
	for i := range before {
		if before[i].ID != after[i].ID || before[i].Requests != after[i].Requests {
			t.Errorf("session %s (%d requests) became %s (%d)", before[i].ID, before[i].Requests, after[i].ID, after[i].Requests)
		}
	}
}
