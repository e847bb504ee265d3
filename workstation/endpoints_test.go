package workstation

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// TestEndpointsLiveAndReopened captures through the real proxy, reads
// the live inventory with Endpoints, and reads the same rows from the
// reopened store with ReadEndpoints, which uses the stored inventory.
func TestEndpointsLiveAndReopened(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "{}")
	}))
	defer upstream.Close()
	db := filepath.Join(t.TempDir(), "capture.db")
	w, err := Open(Options{Store: db, Upstream: upstream.URL, Listen: "127.0.0.1:0", NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		resp, err := http.Get(fmt.Sprintf("http://%s/items/%d", w.Addr(), i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var live int64
	deadline := time.Now().Add(10 * time.Second)
	for live != 10 && time.Now().Before(deadline) {
		rows, err := w.Endpoints(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 {
			live = rows[0].Requests
		}
		time.Sleep(20 * time.Millisecond)
	}
	if live != 10 {
		t.Fatalf("the live inventory counted %d requests, want 10", live)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := ReadEndpoints(context.Background(), st, EndpointsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Template != "/items/{id}" || rows[0].Requests != 10 || rows[0].Sessions != 1 {
		t.Errorf("reopened: %+v", rows)
	}
}

// TestInventoryRebuiltForOldStore opens a store written without an
// inventory (as spoor wrote before it kept one): Open rebuilds it from
// the log once and saves it.
func TestInventoryRebuiltForOldStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "old.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
	src := make(chan *engine.Exchange, 8)
	done := make(chan error, 1)
	go func() { done <- ingest.NewPipeline(a, st, ingest.Options{}).Run(src) }()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		src <- &engine.Exchange{Start: t0.Add(time.Duration(i) * time.Second), Duration: time.Duration(i+1) * time.Millisecond,
			ClientIP: "192.0.2.1", Method: "GET", Host: "api.test", Path: fmt.Sprintf("/orders/%d", i), Query: "expand=items", Status: 200}
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if has, _ := st.HasInventory(); has {
		t.Fatal("the old store has an inventory already")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := Open(Options{Store: db, NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.Endpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Requests != 5 || len(rows[0].Params) != 1 || rows[0].Params[0].Name != "expand" {
		t.Errorf("rebuilt: %+v", rows)
	}
	has, err := w.Store().HasInventory()
	if err != nil || !has {
		t.Errorf("the rebuilt inventory was not saved (%v)", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
