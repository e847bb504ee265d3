package conformance

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
)

// AccessLogResult is what CheckAccessLog found: the importer's stats, for
// the caller to hold against the lines it knows the log has, and the
// problems common to every log.
type AccessLogResult struct {
	Stats    importer.Stats
	Problems Problems
}

// maxIncomplete is how many incomplete exchanges CheckAccessLog lists
// before it only counts them.
const maxIncomplete = 5

// CheckAccessLog imports an access log with its format and compression
// detected, and checks that every exchange has a client, a method, a path
// and a status, and that exchanges come out in time order. An error means
// the log could not be imported at all.
func CheckAccessLog(r io.Reader) (AccessLogResult, error) {
	var res AccessLogResult
	var last time.Time
	outOfOrder, incomplete := 0, 0
	st, err := importer.Import(context.Background(), r, importer.Options{}, func(x *engine.Exchange) error {
		if x.Start.Before(last) {
			outOfOrder++
		}
		last = x.Start
		if x.ClientIP == "" || x.Method == "" || x.Path == "" || x.Status == 0 {
			if incomplete++; incomplete <= maxIncomplete {
				res.Problems.add("", "incomplete exchange %+v", x)
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("import access log: %w", err)
	}
	res.Stats = st
	if incomplete > maxIncomplete {
		res.Problems.add("", "%d incomplete exchanges in all", incomplete)
	}
	if outOfOrder != 0 || st.Reordered != 0 {
		res.Problems.add("", "%d exchanges out of order (%d beyond the window)", outOfOrder, st.Reordered)
	}
	return res, nil
}
