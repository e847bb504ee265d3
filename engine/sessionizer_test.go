package engine

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestSessionSplits(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.header.X-Session-Id"}
	cfg.Grouping.Inactivity = 10 * time.Minute
	a, err := NewAnalyzerFromConfig(cfg, testHasher())
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) Session {
		return a.Process(exchangeAt(d, "GET", "/", "192.0.2.1", "X-Session-Id", "S"))
	}
	s1 := at(0)
	s1b := at(9 * time.Minute) // within the gap
	s2 := at(20 * time.Minute) // 11 minutes idle: a new part
	// Keep the actor busy, never idle for the gap, for more than 24 hours.
	var s3 Session
	for d := 25 * time.Minute; d <= 20*time.Minute+MaxSessionSpan+5*time.Minute; d += 5 * time.Minute {
		s3 = at(d)
	}

	if s1.ID != s1b.ID || s1b.Requests != 2 {
		t.Errorf("requests within the gap split: %s, %s", s1.ID, s1b.ID)
	}
	if s2.ID == s1.ID || s2.Part != 2 {
		t.Errorf("inactivity did not split: part %d id %s", s2.Part, s2.ID)
	}
	if s3.Part != 3 || s3.ID == s2.ID {
		t.Errorf("24h span did not split: part %d", s3.Part)
	}
	for _, s := range []Session{s2, s3} {
		if s.KeyID != s1.KeyID || s.Identity != s1.Identity {
			t.Errorf("part %d has key id %s, want %s shared by all parts", s.Part, s.KeyID, s1.KeyID)
		}
		if s.ID != SessionID(s.KeyID, s.Part) {
			t.Errorf("session id %s is not %s", s.ID, SessionID(s.KeyID, s.Part))
		}
	}
	if d := s3.LastSeen.Sub(s3.FirstSeen); d > MaxSessionSpan {
		t.Errorf("part 3 spans %v", d)
	}
}

func TestDefaultInactivity(t *testing.T) {
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	a := z.Assign(exchangeAt(0, "GET", "/", "192.0.2.1"))
	b := z.Assign(exchangeAt(29*time.Minute, "GET", "/", "192.0.2.1"))
	c := z.Assign(exchangeAt(60*time.Minute, "GET", "/", "192.0.2.1"))
	if a.ID != b.ID || b.ID == c.ID {
		t.Errorf("default gap of 30m: %s %s %s", a.ID, b.ID, c.ID)
	}
}

func TestRestoreAndEvict(t *testing.T) {
	h := testHasher()
	z := NewSessionizer(SessionizerOptions{}, h)
	first := z.Assign(exchangeAt(0, "GET", "/", "192.0.2.1")).Clone()

	// A restart: a new sessionizer restored from the stored summary
	// continues the open part.
	z2 := NewSessionizer(SessionizerOptions{}, h)
	z2.Restore(first)
	if s := z2.Assign(exchangeAt(time.Minute, "GET", "/", "192.0.2.1")); s.ID != first.ID || s.Requests != 2 {
		t.Errorf("restored part not continued: %s with %d requests", s.ID, s.Requests)
	}
	if n := z2.Evict(t0.Add(time.Hour)); n != 1 || z2.Open() != 0 {
		t.Errorf("evicted %d, %d open", n, z2.Open())
	}
	if s := z2.Assign(exchangeAt(2*time.Hour, "GET", "/", "192.0.2.1")); s.Part != 2 {
		t.Errorf("after eviction the actor continues its numbering: part %d", s.Part)
	}
}

// TestSessionizerOutOfOrder assigns one actor's requests in time order and
// in the order they arrive, late ones included, and wants the same parts:
// the split follows the requests' times, not their arrival.
func TestSessionizerOutOfOrder(t *testing.T) {
	const month = 30 * 24 * time.Hour
	tests := []struct {
		name    string
		arrival []time.Duration // request times in arrival order
		parts   int             // parts in time order
	}{
		{"an older capture after a newer one", []time.Duration{9 * month, 9*month + 5*time.Minute, 0, 5 * time.Minute, 20 * time.Minute}, 2},
		{"late within the gap before a part", []time.Duration{40 * time.Minute, 45 * time.Minute, 15 * time.Minute, 20 * time.Minute}, 1},
		{"late inside an earlier part", []time.Duration{0, 20 * time.Minute, 2 * time.Hour, 10 * time.Minute}, 2},
		{"late opens a part between two", []time.Duration{0, 5 * time.Hour, 2 * time.Hour, 2*time.Hour + 10*time.Minute}, 3},
		{"late beyond the gap before a part", []time.Duration{MaxSessionSpan - 20*time.Minute, MaxSessionSpan - 10*time.Minute, MaxSessionSpan, 0}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sorted := slices.Clone(tt.arrival)
			slices.Sort(sorted)
			inOrder := partsOf(sorted)
			late := partsOf(tt.arrival)
			if len(inOrder) != tt.parts {
				t.Errorf("in time order: %q, want %d parts", inOrder, tt.parts)
			}
			if !slices.Equal(late, inOrder) {
				t.Errorf("in arrival order: %q\nin time order:    %q", late, inOrder)
			}
		})
	}
}

// partsOf assigns requests of one actor at the given offsets and describes
// the parts by first and last offset and request count, sorted.
func partsOf(offsets []time.Duration) []string {
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	parts := map[string]*Session{}
	for _, d := range offsets {
		s := z.Assign(exchangeAt(d, "GET", "/", "192.0.2.1"))
		parts[s.ID] = s
	}
	var out []string
	for _, s := range parts {
		out = append(out, fmt.Sprintf("%v..%v %d", s.FirstSeen.Sub(t0),
			s.LastSeen.Sub(t0), s.Requests))
	}
	slices.Sort(out)
	return out
}

// TestRestoreKeepsEarlierParts restores two stored parts of one actor and
// has a late request join the earlier one, and a part still open here
// win over its stored copy.
func TestRestoreKeepsEarlierParts(t *testing.T) {
	z := NewSessionizer(SessionizerOptions{}, testHasher())
	first := z.Assign(exchangeAt(0, "GET", "/", "192.0.2.1")).Clone()
	second := z.Assign(exchangeAt(3*time.Hour, "GET", "/", "192.0.2.1")).Clone()

	restored := NewSessionizer(SessionizerOptions{}, testHasher())
	restored.Restore(second)
	restored.Restore(first)
	if n := restored.Open(); n != 2 {
		t.Fatalf("open parts after restoring two: %d", n)
	}
	late := restored.Assign(exchangeAt(10*time.Minute, "GET", "/", "192.0.2.1"))
	if late.ID != first.ID || late.Requests != 2 {
		t.Errorf("late request went to %s (%d requests), want %s", late.ID, late.Requests, first.ID)
	}
	restored.Restore(first) // the stored copy, older than the open part
	if s := restored.OpenSession(first.ID); s == nil || s.Requests != 2 || restored.Open() != 2 {
		t.Errorf("restoring an open part again replaced or doubled it: %+v", s)
	}
	next := restored.Assign(exchangeAt(3*time.Hour+time.Minute, "GET", "/", "192.0.2.1"))
	if next.ID != second.ID {
		t.Errorf("a request after the latest part went to %s, want %s", next.ID, second.ID)
	}
}
