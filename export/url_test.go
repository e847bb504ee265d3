package export

import (
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// FuzzURLPath checks that the path URL writes reads back, through the
// decoding every importer applies, as the path that was stored, and that
// it never holds what would end or break a URL's path.
func FuzzURLPath(f *testing.F) {
	for _, p := range []string{"/users/7", "/a b/../x", "/100%", "/bad%zz", "/q?in#path", "/caf\xc3\xa9", "/\x00\x7f\xff", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		u := URL(&engine.Exchange{Host: "h", Path: path, Query: "q=1"})
		got, query, ok := strings.Cut(strings.TrimPrefix(u, "http://h"), "?")
		if !ok || query != "q=1" || strings.ContainsAny(got, " #\x00\x7f") {
			t.Fatalf("URL %q for path %q", u, path)
		}
		if back := engine.DecodePath(got); back != path {
			t.Fatalf("path %q written as %q reads back as %q", path, got, back)
		}
	})
}
