package store

import (
	"slices"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestEachRecent reads the newest exchanges first, across several read
// transactions, with their bodies, and stops at the limit.
func TestEachRecent(t *testing.T) {
	s := openTemp(t, Options{})
	xs := traffic(3*recentChunk+5, 4, 7)
	for i, x := range xs {
		x.RespBody = engine.Body{Data: []byte(`{"n":` + string(rune('0'+i%10)) + `}`), Size: 7}
	}
	ingestAll(t, s, keyList(t), xs)
	n, err := s.ExchangeCount()
	if err != nil || n != len(xs) {
		t.Fatalf("stored %d exchanges (%v), want %d", n, err, len(xs))
	}
	for _, limit := range []int{0, 1, recentChunk, recentChunk + 1, len(xs), len(xs) + 10} {
		var ids []uint64
		bodies := 0
		err := s.EachRecent(limit, func(x *engine.Exchange) {
			ids = append(ids, x.ID)
			if len(x.RespBody.Data) > 0 {
				bodies++
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		want := min(limit, len(xs))
		if len(ids) != want || bodies != want {
			t.Fatalf("limit %d: %d exchanges, %d with bodies; want %d", limit, len(ids), bodies, want)
		}
		if want > 0 && ids[0] != uint64(len(xs)) {
			t.Errorf("limit %d: first id %d, want the newest %d", limit, ids[0], len(xs))
		}
		if !slices.IsSortedFunc(ids, func(a, b uint64) int { return int(b) - int(a) }) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Errorf("limit %d: ids not newest first, once each: %v", limit, ids)
		}
	}
}

// BenchmarkEachRecent500 reads the 500 newest exchanges with their bodies,
// as workstation.SeenPoints does each time an editor opens.
func BenchmarkEachRecent500(b *testing.B) {
	s := openTemp(b, Options{})
	xs := traffic(2000, 50, 3)
	for _, x := range xs {
		x.RespBody = engine.Body{Data: []byte(`{"id":42,"status":"paid","items":[{"sku":"A1","qty":1}]}`), Size: 55}
	}
	ingestAll(b, s, keyList(b), xs)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := s.EachRecent(500, func(*engine.Exchange) { n++ }); err != nil || n != 500 {
			b.Fatalf("read %d: %v", n, err)
		}
	}
}
