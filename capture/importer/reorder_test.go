package importer

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// TestReorderIsAStableSort checks the heap against a stable sort: with a
// window as large as the input, what comes out is the input in time order,
// ties in input order; with a small window, every exchange still comes out
// once, and none is earlier than one released before it unless counted as
// late.
func TestReorderIsAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var in []*engine.Exchange
	for i := range 2000 {
		in = append(in, &engine.Exchange{Start: t0.Add(time.Duration(rng.IntN(300)) * time.Second), Path: string(rune('a' + i%26))})
	}
	for _, window := range []int{len(in), 16} {
		var out []*engine.Exchange
		r := newReorder(window, func(x *engine.Exchange) error { out = append(out, x); return nil })
		for _, x := range in {
			if err := r.push(x); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.flush(); err != nil {
			t.Fatal(err)
		}
		if len(out) != len(in) {
			t.Fatalf("window %d: %d out of %d in", window, len(out), len(in))
		}
		if window == len(in) {
			want := slices.Clone(in)
			slices.SortStableFunc(want, func(a, b *engine.Exchange) int { return a.Start.Compare(b.Start) })
			for i := range want {
				if out[i] != want[i] {
					t.Fatalf("window %d: position %d holds %v, want %v", window, i, out[i].Start, want[i].Start)
				}
			}
			if r.late != 0 {
				t.Errorf("window %d: %d late with the whole input held", window, r.late)
			}
			continue
		}
		late := 0
		var last time.Time
		for _, x := range out {
			if x.Start.Before(last) {
				late++
			} else {
				last = x.Start
			}
		}
		if late != r.late || late == 0 {
			t.Errorf("window %d: counted %d late, the output has %d (and a random input should have some)", window, r.late, late)
		}
	}
}
