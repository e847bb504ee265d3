package demo

import (
	"net/http"
	"testing"
	"time"
)

// TestServeAndStartActors serves the API on loopback, runs the cast
// against it for a moment, and stops both.
func TestServeAndStartActors(t *testing.T) {
	s, err := Serve(APIOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", resp.StatusCode)
	}
	stop := StartActors(t.Context(), ActorOptions{Target: s.URL(), Seed: 1, Speed: 50})
	time.Sleep(200 * time.Millisecond)
	if err := stop(); err != nil {
		t.Errorf("stop = %v", err)
	}
	if err := StartActors(t.Context(), ActorOptions{Target: "ftp://nowhere"})(); err == nil {
		t.Error("actors against an ftp target stopped without an error")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL() + "/healthz"); err == nil {
		t.Error("the API still answers after Close")
	}
}
