package engine

import (
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
