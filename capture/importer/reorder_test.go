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

// naiveReorder is the reorder window written as plainly as possible: hold
// up to window exchanges and release the earliest, ties in arrival order,
// by scanning all of them.
func naiveReorder(in []*engine.Exchange, window int) (out []*engine.Exchange, late int) {
	var held []*engine.Exchange // in arrival order
	var last *engine.Exchange
	release := func() {
		first := 0
		for i, x := range held {
			if x.Start.Before(held[first].Start) {
				first = i
			}
		}
		x := held[first]
		held = slices.Delete(held, first, first+1)
		if last != nil && x.Start.Before(last.Start) {
			late++
		} else {
			last = x
		}
		out = append(out, x)
	}
	for _, x := range in {
		held = append(held, x)
		if len(held) > window {
			release()
		}
	}
	for len(held) > 0 {
		release()
	}
	return out, late
}

// reorderInputs are start-time shapes a log may have: sorted, shuffled
// within each minute (as the shared access log is), sorted with a few
// lines far too early or too late, reversed, and all at one instant.
func reorderInputs(n int) map[string][]*engine.Exchange {
	rng := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	shapes := map[string]func(i int) time.Time{
		"sorted":   func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) },
		"shuffled": func(i int) time.Time { return t0.Add(time.Duration(i/60*60+rng.IntN(60)) * time.Second) },
		"strays": func(i int) time.Time {
			if rng.IntN(50) == 0 {
				return t0.Add(time.Duration(i+rng.IntN(2*n)-n) * time.Second)
			}
			return t0.Add(time.Duration(i) * time.Second)
		},
		"reversed": func(i int) time.Time { return t0.Add(time.Duration(n-i) * time.Millisecond) },
		"same":     func(int) time.Time { return t0 },
	}
	inputs := make(map[string][]*engine.Exchange)
	for name, at := range shapes {
		for i := range n {
			inputs[name] = append(inputs[name], &engine.Exchange{ID: uint64(i), Start: at(i)})
		}
	}
	return inputs
}

// TestReorderMatchesNaive checks the window against naiveReorder, exchange
// by exchange, on every input shape and a range of windows.
func TestReorderMatchesNaive(t *testing.T) {
	for name, in := range reorderInputs(3000) {
		for _, window := range []int{1, 2, 7, 64, 1000, 5000} {
			want, wantLate := naiveReorder(in, window)
			var got []*engine.Exchange
			r := newReorder(window, func(x *engine.Exchange) error { got = append(got, x); return nil })
			for _, x := range in {
				if err := r.push(x); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.flush(); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s, window %d: %d out, want %d", name, window, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s, window %d: position %d holds exchange %d, want %d", name, window, i, got[i].ID, want[i].ID)
				}
			}
			if r.late != wantLate {
				t.Errorf("%s, window %d: %d late, want %d", name, window, r.late, wantLate)
			}
		}
	}
}

// BenchmarkReorder measures the default window alone on a sorted log and on
// one shuffled within each minute.
func BenchmarkReorder(b *testing.B) {
	inputs := reorderInputs(100000)
	for _, name := range []string{"sorted", "shuffled"} {
		in := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := newReorder(4096, func(*engine.Exchange) error { return nil })
				for _, x := range in {
					if err := r.push(x); err != nil {
						b.Fatal(err)
					}
				}
				if err := r.flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/exchange")
		})
	}
}
