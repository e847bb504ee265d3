package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/internal/human"
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
			st, err := openReads(g)
			if err != nil {
				return err
			}
			defer st.Close()
			f, err := checkFilter(st.Store, expr)
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
			return sessionsTable(sessions, time.Now()).write(out, terminalWidth(out))
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

// sessionsTable is the table `spoor sessions` prints: the actor and user
// the TUI's list shows (engine.Session.Label), counts and durations as
// people read them, times relative to now.
func sessionsTable(sessions []engine.Session, now time.Time) *table {
	t := &table{cols: []column{
		{title: "ID"}, {title: "LAST SEEN"}, {title: "DUR", right: true, drop: 3},
		{title: "ACTOR", elide: true, min: 16}, {title: "USER", elide: true, drop: 1}, {title: "KEY", elide: true, drop: 4},
		{title: "REQS", right: true}, {title: "4XX", right: true}, {title: "5XX", right: true, drop: 2}, {title: "ATTACKS", right: true},
	}}
	for i := range sessions {
		s := &sessions[i]
		t.add(s.ID, human.Time(s.LastSeen, now), human.Duration(s.Duration()), s.Label(), orDash(s.User), orDash(s.KeyPoint),
			human.Count(s.Requests), human.Count(s.ClassCount(4)), human.Count(s.ClassCount(5)), human.Count(s.AttackCount()))
	}
	return t
}

// orDash is s, or "-" for an empty cell, so that columns read as columns.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
