package workstation

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadConfig checks where the reading commands take the configuration
// from: the file when given (the store is not opened), the defaults when
// there is no store yet.
func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "spoor.yaml")
	if err := os.WriteFile(file, []byte("grouping:\n  keys: [\"req.header.X-Team\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noPath := func() (string, error) { return "", errors.New("store path asked for") }
	cfg, source, err := ReadConfig(file, noPath)
	if err != nil || source != ConfigFromFile || len(cfg.Grouping.Keys) != 1 {
		t.Errorf("with a file: %v from %s, %v", cfg.Grouping.Keys, source, err)
	}
	missing := func() (string, error) { return filepath.Join(dir, "none.db"), nil }
	if _, source, err := ReadConfig("", missing); err != nil || source != ConfigFromDefault {
		t.Errorf("without a store: from %s, %v; want the defaults", source, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reading the configuration created the store: %v", err)
	}
}
