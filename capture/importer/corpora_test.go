package importer

import (
	"os"
	"path/filepath"
	"testing"
)

// corpora returns the shared corpora directory: $SPOOR_CORPORA, or
// ../shared/corpora from the repository root. A missing corpus fails the
// test: these tests are the evidence that real inputs import.
func corpora(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("SPOOR_CORPORA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpora")
	}
	dir = filepath.Join(dir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("corpus %s is missing (set SPOOR_CORPORA to the shared corpora directory): %v", sub, err)
	}
	return dir
}
