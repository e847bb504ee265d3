package workstation

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/capture/importer"
)

// TestImportOnceWithDetection imports a small access log through both
// detection tiers, tier 2 screened, counts what was committed and tagged, and skips the
// same content the second time.
func TestImportOnceWithDetection(t *testing.T) {
	db := filepath.Join(t.TempDir(), "import.db")
	im, err := OpenImport(ImportOptions{Store: db})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	src, err := OpenSource(filepath.Join("testdata", "small.log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var commits int
	res, err := im.Import(t.Context(), src, func(n int) { commits += n })
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped || res.Stats.Exchanges != 3 || res.Committed != 3 || commits != 3 {
		t.Errorf("import = %+v (on commit: %d), want 3 exchanges committed", res, commits)
	}
	// Screened: tier 2 checks the injection tier 1 tagged and the curl
	// request the prefilter flags (a scanner's word), not the clean line.
	if !res.Detect || res.Tagged != 1 || res.Tier2 != 2 || res.Screened != 1 {
		t.Errorf("detection: tagged %d, tier 2 %d, screened %d; want the injection tagged, two checked by tier 2, one left to tier 1", res.Tagged, res.Tier2, res.Screened)
	}
	if src.BytesRead() != src.Size() {
		t.Errorf("read %d of %d bytes", src.BytesRead(), src.Size())
	}

	again, err := OpenSource(filepath.Join("testdata", "small.log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	res, err = im.Import(t.Context(), again, nil)
	if err != nil || !res.Skipped || res.Previous.Exchanges != 3 {
		t.Errorf("second import = %+v, %v; want skipped, 3 exchanges imported before", res, err)
	}
}

// TestImportNothingParsed reports a source none of whose lines parse.
func TestImportNothingParsed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bad.db")
	im, err := OpenImport(ImportOptions{Store: db, NoDetect: true, Format: importer.Options{Format: importer.FormatCombined}})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	src, err := OpenSource("-", strings.NewReader("not a log line\nnor this\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Name() != "stdin" {
		t.Errorf("standard input named %q", src.Name())
	}
	if _, err := im.Import(t.Context(), src, nil); !errors.Is(err, ErrNothingImported) {
		t.Errorf("Import = %v, want ErrNothingImported", err)
	}
}

// TestOpenSourceErrors names the file once and says what is wrong.
func TestOpenSourceErrors(t *testing.T) {
	if _, err := OpenSource(filepath.Join(t.TempDir(), "missing.log"), nil); err == nil || strings.Count(err.Error(), "missing.log") != 1 {
		t.Errorf("missing file: %v", err)
	}
	if _, err := OpenSource(t.TempDir(), nil); err == nil || !strings.HasSuffix(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}
