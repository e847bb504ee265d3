package workstation

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spoorhq/spoor/capture"
)

// TestOpenForward opens a forward-proxy capture twice with --include-host:
// the host joins the saved scope once, the proxy listens, and its scope is
// the configuration's.
func TestOpenForward(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fwd.db")
	ca, _, err := capture.LoadOrCreateCA(filepath.Join(t.TempDir(), "ca"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		w, err := Open(Options{Store: db, Listen: "127.0.0.1:0", NoDetect: true,
			Forward: &capture.ForwardOptions{CA: ca}, IncludeHosts: []string{"*.example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		// An origin-form request is refused by a forward proxy; its answer
		// also shows Serve runs before Close (a Close right after Open
		// finds Serve not started and reports it).
		resp, err := http.Get("http://" + w.Addr() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("origin-form request: %s, want 400 from a forward proxy", resp.Status)
		}
		if !w.scope.HostInScope("api.example.com:443") || w.scope.HostInScope("example.org:443") {
			t.Errorf("scope %+v", w.scope)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cfg, _, err := ReadConfig("", func() (string, error) { return db, nil })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Scope.IncludeHosts, []string{"*.example.com"}) {
		t.Errorf("saved include_hosts %q, want the host once", cfg.Scope.IncludeHosts)
	}
}
