package store

import "testing"

// TestWriterKeepsFewBlocks checks that a writer back from a batch of large
// records keeps no more arena than keptBlocks for the next one.
func TestWriterKeepsFewBlocks(t *testing.T) {
	var p writerPool
	w := p.get(func() *indexer { return &indexer{} })
	for range 3 * keptBlocks {
		w.arena = w.arena[:cap(w.arena)] // full: the next record takes a block
		w.spare()
	}
	if len(w.blocks) != 3*keptBlocks {
		t.Fatalf("%d blocks taken, want %d", len(w.blocks), 3*keptBlocks)
	}
	p.put(w)
	again := p.get(func() *indexer { t.Fatal("the pool made a writer it had"); return nil })
	if again != w || len(w.blocks) != keptBlocks || w.next != 0 || w.arena != nil {
		t.Errorf("writer kept %d blocks (next %d), want %d and a cleared arena", len(w.blocks), w.next, keptBlocks)
	}
}
