package main

import (
	"fmt"
	"path/filepath"

	"github.com/spoorhq/spoor/internal/conformance"
)

// harPath is mitmproxy's importer test files.
const harPath = "har-mitmproxy"

// checkHAR imports every HAR file of mitmproxy's importer tests and
// compares each exchange with the flow mitmproxy's own importer produces
// (conformance.CheckHAR, the check capture/importer's tests run on their
// fixtures).
func checkHAR(dir string, r *report) error {
	dir = filepath.Join(dir, harPath)
	res, err := conformance.CheckHAR(dir)
	if err != nil {
		return err
	}
	if res.Files < 6 {
		return fmt.Errorf("found %d HAR files in %s, want the 6 of the corpus", res.Files, dir)
	}
	r.problems = append(r.problems, res.Problems...)
	r.summary = fmt.Sprintf("%d HAR files, %d exchanges compared with mitmproxy's parse", res.Files, res.Exchanges)
	return nil
}
