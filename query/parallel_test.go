package query

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestShareAndReadPaged checks that the workers' slices cover every id
// once, in order, and that a paged read visits every record, page by
// page, and stops once its context ends.
func TestShareAndReadPaged(t *testing.T) {
	ids := make([]int, 2*readPage+7)
	for i := range ids {
		ids[i] = i
	}
	var got, pages []int
	err := inParallel(3, func(i int) error {
		if i == 0 {
			for w := range 3 {
				got = append(got, share(ids, w, 3)...)
			}
		}
		return nil
	})
	if err != nil || !slices.Equal(got, ids) {
		t.Fatalf("the shares cover %d of %d ids (%v)", len(got), len(ids), err)
	}
	var visited []int
	read := func(chunk []int) ([]int, error) { pages = append(pages, len(chunk)); return chunk, nil }
	if err := readPaged(context.Background(), ids, read, func(v *int) error { visited = append(visited, *v); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(visited, ids) || !slices.Equal(pages, []int{readPage, readPage, 7}) {
		t.Errorf("visited %d records in pages %v", len(visited), pages)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := readPaged(ctx, ids, read, func(*int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled read returned %v", err)
	}
	check := cancelCheck(ctx)
	n := 1
	for check() == nil {
		n++
	}
	if n != 4096 {
		t.Errorf("the check saw the cancelled context at call %d, want 4096", n)
	}
}
