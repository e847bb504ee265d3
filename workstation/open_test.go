package workstation

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// TestOpenFailureUndoesEarlierSteps makes Open fail at the listener, after
// the store was opened, and checks that the store was closed: a capture
// can open it at once (bbolt's lock would keep it out otherwise).
func TestOpenFailureUndoesEarlierSteps(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "busy.db")
	_, err = Open(Options{Store: db, Upstream: "http://127.0.0.1:9", Listen: busy.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("Open on a busy address = %v, want a listen error", err)
	}
	st, err := store.Open(db, store.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("the failed Open left the store locked: %v", err)
	}
	st.Close()
}

// TestOpenBadConfigOpensNothing checks that a bad --config file is
// reported before the store file is created.
func TestOpenBadConfigOpensNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("grouping:\n  keys: [\"req.nowhere.x\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "never.db")
	if _, err := Open(Options{Store: db, ConfigFile: bad}); err == nil {
		t.Fatal("Open with an invalid configuration succeeded")
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the store was created (%v) although the configuration was invalid", err)
	}
}

// TestWithoutProxy opens a workstation without an upstream: no proxy, the
// rest runs, the configuration editors work, and Close twice is one Close.
func TestWithoutProxy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "noproxy.db")
	w, err := Open(Options{Store: db, NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	if w.Addr() != "" {
		t.Errorf("Addr = %q without a proxy", w.Addr())
	}
	if s := w.Stats(); s.Detect || s.Captured != 0 {
		t.Errorf("Stats = %+v, want detection off and nothing captured", s)
	}
	params := []engine.ContextParam{{Point: "req.header.X-Tenant"}}
	if err := w.SetContext(params, false); err != nil {
		t.Fatal(err)
	}
	got, hashed, err := w.Context()
	if err != nil || len(got) != 1 || got[0].Point != "req.header.X-Tenant" || hashed {
		t.Errorf("Context() = %v, %v, %v; want X-Tenant, credentials in clear", got, hashed, err)
	}
	if err := w.SetKeys(t.Context(), []string{"req.header.X-Team"}, true, nil); err != nil {
		t.Fatal(err)
	}
	keys, builtin, err := w.Keys()
	if err != nil || len(keys) != 1 || keys[0] != "req.header.X-Team" || !builtin {
		t.Errorf("Keys() = %v, %v, %v; want [req.header.X-Team] with the built-ins", keys, builtin, err)
	}
	if _, err := w.PreviewRegroup(t.Context(), []string{"req.nowhere.x"}, true); err == nil {
		t.Error("PreviewRegroup accepted an invalid key")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want the first one's nil", err)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg, source, err := EffectiveConfig("", st, nil)
	if err != nil || source != ConfigFromStore || len(cfg.Context) != 1 || cfg.Grouping.Keys[0] != "req.header.X-Team" {
		t.Errorf("saved configuration %+v from %s, %v: want the context and keys set", cfg, source, err)
	}
}

// TestCleanupRunsInReverse checks the undo stack: every step undone, last
// first, every failure reported.
func TestCleanupRunsInReverse(t *testing.T) {
	var c cleanup
	var order []int
	for i := range 3 {
		c.push(func() error {
			order = append(order, i)
			if i == 1 {
				return errors.New("step 1 failed")
			}
			return nil
		})
	}
	err := c.run()
	if len(order) != 3 || order[0] != 2 || order[1] != 1 || order[2] != 0 {
		t.Errorf("undone in order %v, want [2 1 0]", order)
	}
	if err == nil || err.Error() != "step 1 failed" {
		t.Errorf("run = %v, want step 1's failure", err)
	}
	if err := c.run(); err != nil || len(order) != 3 {
		t.Errorf("a second run undid again (%v, %v)", order, err)
	}
}
