package store

import (
	"path/filepath"
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/ingest"
)

// TestInventoryPersists runs traffic through a pipeline whose analyzer
// feeds a tracked inventory, reopens the store, and reads the same rows
// back without the log; a store without the bucket says so, and
// ReplaceInventory writes one.
func TestInventoryPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spoor.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasInventory(); err != nil || has {
		t.Fatalf("a new store has an inventory (%v)", err)
	}
	inv := inventory.New(nil)
	inv.Track()
	s.TrackInventory(inv)
	a := engine.NewAnalyzer(engine.SessionizerOptions{Keys: keyList(t)}, engine.NewHasher(s.Secret()))
	a.Use(inv)
	src := make(chan *engine.Exchange, 64)
	done := make(chan error, 1)
	go func() { done <- ingest.NewPipeline(a, s, ingest.Options{MaxBatch: 100}).Run(src) }()
	for _, x := range traffic(1000, 20, 1) {
		src <- x
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := inv.Snapshot()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path, Options{ReadOnly: true})
	if has, err := s.HasInventory(); err != nil || !has {
		t.Fatalf("the reopened store has no inventory (%v)", err)
	}
	back := inventory.New(nil)
	if err := s.EachInventory(back.Restore); err != nil {
		t.Fatal(err)
	}
	got := back.Snapshot()
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d endpoints read back, %d counted", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.Method != w.Method || g.Template != w.Template || g.Requests != w.Requests || g.Sessions != w.Sessions || g.Latency != w.Latency {
			t.Errorf("endpoint %d read back as %s %s %d requests %d sessions %+v, counted %s %s %d %d %+v",
				i, g.Method, g.Template, g.Requests, g.Sessions, g.Latency, w.Method, w.Template, w.Requests, w.Sessions, w.Latency)
		}
	}
	if err := s.ReplaceInventory(back); err != ErrReadOnly {
		t.Errorf("a read-only store replaced its inventory: %v", err)
	}
}
