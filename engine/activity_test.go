package engine

import (
	"testing"
	"time"
)

func TestActivityWidensToCoverTheSession(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var s Session
	for i, sec := range []int{0, 1, 1, 30, 200, 500} {
		status := 200
		if i == 4 {
			status = 503
		}
		s.add(&Exchange{Start: t0.Add(time.Duration(sec) * time.Second), Status: status, Path: "/users/7"})
	}
	a := s.Activity
	// 500 s needs 48 buckets of 16 s (768 s); 8 s would cover 384 s.
	if a.Width != 16*time.Second {
		t.Fatalf("width %v, want 16s", a.Width)
	}
	var total, errs uint32
	for i := range ActivityBuckets {
		total += a.Counts[i]
		errs += a.Errors[i]
	}
	if total != 6 || errs != 1 {
		t.Fatalf("counted %d requests and %d errors, want 6 and 1", total, errs)
	}
	if a.Counts[0] != 3 || a.Counts[1] != 1 || a.Counts[12] != 1 || a.Counts[31] != 1 || a.Errors[12] != 1 {
		t.Fatalf("buckets %v errors %v", a.Counts, a.Errors)
	}
	counts, errors := a.Spread(10, s.FirstSeen, s.LastSeen)
	// Bucket 12 starts at 192 s, in the fourth tenth of 500 s.
	if counts[0] != 4 || counts[3] != 1 || errors[3] != 1 || counts[9] != 1 {
		t.Fatalf("spread over 10: %v errors %v", counts, errors)
	}
	if len(s.Endpoints) != 1 || s.Endpoints[0] != Endpoint("/users/7") {
		t.Fatalf("endpoints %v", s.Endpoints)
	}
	var none Activity
	if c, _ := none.Spread(10, t0, t0); c != nil {
		t.Fatalf("a session without activity spreads to %v, want nothing", c)
	}
}
