package importer_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/internal/conformance"
)

// accessLogLines is the length of testdata/access.log: a combined log
// written for these tests, one of its lines a 408 with no request line.
const accessLogLines = 161

// TestAccessLogFixture imports testdata/access.log gzip compressed (its
// format detected) and checks that every line is accounted for and that
// exchanges come out complete and in time order. The check is
// conformance.CheckAccessLog, which cmd/spoor-corpus-check runs over the
// shared 10,000-line log.
func TestAccessLogFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := conformance.CheckAccessLog(&gz)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	st := res.Stats
	if st.Format != importer.FormatCombined || st.Exchanges != accessLogLines-1 || st.Bad != 1 || st.FirstBad == nil || st.FirstBad.Line != 92 {
		t.Errorf("stats = %+v (first bad %v), want %d lines of combined with line 92 bad", st, st.FirstBad, accessLogLines)
	}
}
