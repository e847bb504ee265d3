package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/query"
)

// requestsTable is the table `spoor requests` prints, with a SESSION
// column when the requests come from several sessions. Times keep their
// milliseconds, which order a session's requests; the date shows when it
// is not today's.
func requestsTable(xs []engine.Exchange, withSession bool, now time.Time) *table {
	t := &table{}
	if withSession {
		t.cols = append(t.cols, column{title: "SESSION"})
	}
	t.cols = append(t.cols, column{title: "TIME"}, column{title: "METHOD"}, column{title: "PATH", elide: true},
		column{title: "STATUS", right: true}, column{title: "DUR", right: true, drop: 2}, column{title: "BYTES", right: true, drop: 1})
	for i := range xs {
		x := &xs[i]
		at := x.Start.In(now.Location())
		when := at.Format("2006-01-02 15:04:05.000")
		if at.YearDay() == now.YearDay() && at.Year() == now.Year() {
			when = at.Format("15:04:05.000")
		}
		cells := []string{when, x.Method, x.Target(), strconv.Itoa(x.Status), human.Duration(x.Duration), human.Bytes(x.RespBody.Size)}
		if withSession {
			cells = append([]string{x.SessionID}, cells...)
		}
		t.add(cells...)
	}
	return t
}

func newRequestsCommand(g *globalFlags) *cobra.Command {
	var (
		sessionID, expr, sortBy string
		asJSON, asNDJSON        bool
		limit                   int
	)
	cmd := &cobra.Command{
		Use:   "requests [--session ID] [--filter EXPR]",
		Short: "List requests, of one session or of all, in time order",
		Long:  "requests lists the requests of --session, or of every session, that match --filter (the filter language of the TUI's filter bar). Terms about the actor (user, role, abuse) apply to a request through its session.",
		Example: `  spoor requests --session 3fa2c1d4e5f6-1
  spoor requests --filter 'status:5xx dur:>500ms' --sort duration --limit 20 --ndjson`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := pickFormat(asJSON, asNDJSON)
			if err != nil {
				return err
			}
			order, err := query.ParseRequestSort(sortBy)
			if err != nil {
				return usageError{fmt.Errorf("invalid --sort %w", err)}
			}
			// A filter wrong whatever the store is refused before it opens.
			if _, err := parseFilter(expr); err != nil {
				return err
			}
			st, err := openReads(g)
			if err != nil {
				return err
			}
			defer st.Close()
			f, err := checkFilter(st.Store, expr)
			if err != nil {
				return err
			}
			xs, _, err := query.CollectRequests(cmd.Context(), st, query.RequestOptions{Filter: f, SessionID: sessionID, Sort: order, Limit: max(limit, 0)})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format != formatTable {
				items := make([]export.RequestJSON, len(xs))
				for i, x := range xs {
					items[i] = export.NewRequestJSON(x)
				}
				return writeJSON(out, format, items)
			}
			return requestsTable(xs, sessionID == "", time.Now()).write(out, terminalWidth(out))
		},
	}
	f := cmd.Flags()
	f.StringVar(&sessionID, "session", "", "list the requests of this session only (ids are listed by spoor sessions)")
	f.StringVar(&expr, "filter", "", "show only requests matching this filter (method:POST, status:>=500, path:/api/**, dur:>500ms, ...)")
	f.StringVar(&sortBy, "sort", "time", "order: time (capture order, oldest first), or duration, status or size (largest first)")
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	f.IntVar(&limit, "limit", 0, "print at most N requests (0: all)")
	return cmd
}
