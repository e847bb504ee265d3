package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/internal/conformance"
)

// accessLogPath is the 10,000-line Apache log, gzip compressed.
const accessLogPath = "access-logs/elastic_examples_apache_logs.log.gz"

// checkAccessLog imports the Apache log with its format and compression
// detected, and checks that every line is accounted for, that at most ten
// are bad, and that exchanges come out complete and in time order
// (conformance.CheckAccessLog, the check capture/importer's test runs on
// its fixture).
func checkAccessLog(dir string, r *report) error {
	f, err := os.Open(filepath.Join(dir, accessLogPath))
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := conformance.CheckAccessLog(f)
	if err != nil {
		return err
	}
	r.problems = append(r.problems, res.Problems...)
	st := res.Stats
	if st.Format != importer.FormatCombined || st.Exchanges+st.Bad != 10000 || st.Exchanges < 9990 {
		r.errorf("stats %+v (first bad %v), want 10000 lines of combined", st, st.FirstBad)
	}
	r.summary = fmt.Sprintf("%d exchanges, %d bad lines, in order", st.Exchanges, st.Bad)
	return nil
}
