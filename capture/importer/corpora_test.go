package importer

import (
	"testing"

	"github.com/spoorhq/spoor/internal/corpora"
)

// corpus returns a folder of the shared corpora. A missing corpus fails the
// test: these tests are the evidence that real inputs import.
func corpus(t testing.TB, sub string) string {
	t.Helper()
	dir, err := corpora.Path(sub)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
