package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
)

// accessLogPath is the 10,000-line Apache log, gzip compressed.
const accessLogPath = "access-logs/elastic_examples_apache_logs.log.gz"

// checkAccessLog imports the Apache log with its format and compression
// detected, and checks that every line is accounted for, that at most ten
// are bad, and that exchanges come out in time order.
func checkAccessLog(dir string, r *report) error {
	f, err := os.Open(filepath.Join(dir, accessLogPath))
	if err != nil {
		return err
	}
	defer f.Close()
	var last time.Time
	outOfOrder, incomplete := 0, 0
	st, err := importer.Import(context.Background(), f, importer.Options{}, func(x *engine.Exchange) error {
		if x.Start.Before(last) {
			outOfOrder++
		}
		last = x.Start
		if x.ClientIP == "" || x.Method == "" || x.Path == "" || x.Status == 0 {
			if incomplete++; incomplete <= 5 {
				r.errorf("incomplete exchange %+v", x)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if st.Format != importer.FormatCombined || st.Exchanges+st.Bad != 10000 || st.Exchanges < 9990 {
		r.errorf("stats %+v (first bad %v), want 10000 lines of combined", st, st.FirstBad)
	}
	if outOfOrder != 0 || st.Reordered != 0 {
		r.errorf("%d exchanges out of order (%d beyond the window)", outOfOrder, st.Reordered)
	}
	r.summary = fmt.Sprintf("%d exchanges, %d bad lines, in order", st.Exchanges, st.Bad)
	return nil
}
