package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// TestDeliveriesFiledWithTheirExchanges checks that the delivery ids of a
// committed batch read back as delivered, that others do not, and that a
// reopened store still knows them.
func TestDeliveriesFiledWithTheirExchanges(t *testing.T) {
	path := t.TempDir() + "/spoor.db"
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	a, b, local := exchange(t0, "198.51.100.7", "/a", 200), exchange(t0, "198.51.100.7", "/b", 200), exchange(t0, "198.51.100.7", "/c", 200)
	a.Delivery, b.Delivery = "gw-a/1/1", "gw-b/1/1"
	if err := s.Write(analyse(s, a, b, local)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path, Options{})
	got, err := s.Delivered([]string{"gw-a/1/1", "gw-b/1/1", "gw-a/1/2", ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, false, false}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

// TestForgetDeliveries checks both bounds: ids filed more than the window
// before the newest go, and beyond the limit the oldest go.
func TestForgetDeliveries(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s := openTemp(t, Options{Now: func() time.Time { return now }})
	var ids []string
	for i := range 5 {
		x := exchange(now, "198.51.100.7", "/a", 200)
		x.Delivery = fmt.Sprintf("gw-a/1/%d", i)
		ids = append(ids, x.Delivery)
		if err := s.Write(analyse(s, x)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	// Filed at minutes 0..4; a window of 150s from the newest (minute 4)
	// keeps minutes 2, 3 and 4.
	if n, err := s.ForgetDeliveries(150*time.Second, 100); err != nil || n != 2 {
		t.Fatalf("forgot %d, %v; want 2", n, err)
	}
	got, _ := s.Delivered(ids)
	if want := []bool{false, false, true, true, true}; !slices.Equal(got, want) {
		t.Errorf("after the window: delivered %v, want %v", got, want)
	}
	if n, err := s.ForgetDeliveries(time.Hour, 1); err != nil || n != 2 {
		t.Fatalf("forgot %d, %v; want 2", n, err)
	}
	got, _ = s.Delivered(ids)
	if want := []bool{false, false, false, false, true}; !slices.Equal(got, want) {
		t.Errorf("after the limit: delivered %v, want %v", got, want)
	}
}

// TestSkippedDeliveriesFiled runs collected exchanges through a pipeline
// whose scope leaves some out: the out-of-scope ones are not stored, but
// their delivery ids are filed, so that the collector acknowledges them
// rather than hold them unacknowledged until it stops fetching. Batches of
// one cover a commit that holds only a skipped id.
func TestSkippedDeliveriesFiled(t *testing.T) {
	s := openTemp(t, Options{})
	cfg := engine.DefaultConfig()
	cfg.Scope.ExcludePaths = []string{"/static/**"}
	a, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher(s.Secret()))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, batch := range []int{1, 100} {
		kept := exchange(t0, "198.51.100.7", "/api/a", 200)
		kept.Delivery = fmt.Sprintf("gw-a/1/1/%d", batch)
		left := exchange(t0.Add(time.Millisecond), "198.51.100.7", "/static/app.js", 200)
		left.Delivery = fmt.Sprintf("gw-a/1/2/%d", batch)
		local := exchange(t0.Add(2*time.Millisecond), "198.51.100.7", "/static/app.css", 200)
		src := make(chan *engine.Exchange, 3)
		done := make(chan error, 1)
		go func() { done <- ingest.NewPipeline(a, s, ingest.Options{MaxBatch: batch}).Run(src) }()
		src <- left
		src <- kept
		src <- local
		close(src)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		ids := []string{fmt.Sprintf("gw-a/1/1/%d", batch), fmt.Sprintf("gw-a/1/2/%d", batch), "gw-a/1/3"}
		got, err := s.Delivered(ids)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{true, true, false}; !slices.Equal(got, want) {
			t.Errorf("batches of %d: delivered %v, want %v (stored, skipped, never seen)", batch, got, want)
		}
	}
	n, err := s.ExchangeCount()
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d exchanges stored, want 2: out-of-scope ones are not", n)
	}
}
