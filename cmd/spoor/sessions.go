package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/query"
)

func newSessionsCommand(g *globalFlags) *cobra.Command {
	var (
		asJSON, asNDJSON bool
		limit            int
		expr, sortBy     string
	)
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List stored sessions, most recently active first",
		Long:  "sessions lists the stored sessions that match --filter (the filter language of the TUI's filter bar), sorted by --sort, largest or newest first.",
		Example: `  spoor sessions --filter 'attack:sqli' --json
  spoor sessions --filter 'status:4xx !method:GET since:1h' --sort errors --limit 10`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := pickFormat(asJSON, asNDJSON)
			if err != nil {
				return err
			}
			order, err := query.ParseSessionSort(sortBy)
			if err != nil {
				return usageError{fmt.Errorf("invalid --sort %w", err)}
			}
			// A filter wrong whatever the store is refused before it opens.
			if _, err := parseFilter(expr); err != nil {
				return err
			}
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			f, err := checkFilter(st, expr)
			if err != nil {
				return err
			}
			sessions, _, err := query.CollectSessions(cmd.Context(), st, query.Options{Filter: f, Sort: order, Limit: max(limit, 0)})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format != formatTable {
				items := make([]export.SessionJSON, len(sessions))
				for i, s := range sessions {
					items[i] = export.NewSessionJSON(s)
				}
				return writeJSON(out, format, items)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLAST SEEN\tACTOR\tKEY\tREQS\t4XX\t5XX\tATTACKS")
			for _, s := range sessions {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", s.ID, s.LastSeen.Local().Format("2006-01-02 15:04:05"), s.Actor, s.KeyPoint, s.Requests, s.ClassCount(4), s.ClassCount(5), s.AttackCount())
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&expr, "filter", "", "show only sessions matching this filter (ip:, user:, status:4xx, attack:any, path:/api/**, since:1h, ...)")
	f.StringVar(&sortBy, "sort", "last_seen", "order: last_seen, first_seen, requests, errors (4xx and 5xx) or attacks; newest or largest first")
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	f.IntVar(&limit, "limit", 0, "print at most N sessions (0: all)")
	return cmd
}

// parseFilter parses --filter against the current time and the local
// zone, as the user reads them. A bad filter is a usage error that names
// the column of the mistake.
func parseFilter(expr string) (*filter.Filter, error) {
	f, err := filter.ParseOptions(expr, filter.Options{Now: time.Now(), Location: time.Local})
	if err != nil {
		return nil, usageError{fmt.Errorf("invalid filter %w", err)}
	}
	return f, nil
}
