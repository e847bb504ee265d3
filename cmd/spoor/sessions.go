package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/store"
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
			order, err := sessionOrder(sortBy)
			if err != nil {
				return err
			}
			f, err := parseFilter(expr)
			if err != nil {
				return err
			}
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			sessions, err := matchingSessions(st, f)
			if err != nil {
				return err
			}
			slices.SortStableFunc(sessions, order)
			if limit > 0 && len(sessions) > limit {
				sessions = sessions[:limit]
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

// matchingSessions reads the sessions f matches, loading a session's
// requests only when a term needs them.
func matchingSessions(st *store.Store, f *filter.Filter) ([]engine.Session, error) {
	all, err := st.Sessions(0)
	if err != nil || f.Empty() {
		return all, err
	}
	out := all[:0]
	for i := range all {
		s := &all[i]
		ok := false
		if f.NeedsRequests() {
			xs, err := st.Requests(s.ID)
			if err != nil {
				return nil, err
			}
			ok = f.MatchSessionRequests(s, xs)
		} else {
			ok = f.MatchSession(s)
		}
		if ok {
			out = append(out, *s)
		}
	}
	return out, nil
}

// sessionOrder returns the comparison of --sort. Every order is largest or
// newest first, and ties fall back to the most recently active.
func sessionOrder(by string) (func(a, b engine.Session) int, error) {
	var key func(s *engine.Session) int64
	switch strings.ToLower(by) {
	case "", "last_seen":
		key = func(s *engine.Session) int64 { return s.LastSeen.UnixNano() }
	case "first_seen":
		key = func(s *engine.Session) int64 { return s.FirstSeen.UnixNano() }
	case "requests":
		key = func(s *engine.Session) int64 { return int64(s.Requests) }
	case "errors":
		key = func(s *engine.Session) int64 { return int64(s.ClassCount(4) + s.ClassCount(5)) }
	case "attacks":
		key = func(s *engine.Session) int64 { return int64(s.AttackCount()) }
	default:
		return nil, usageError{fmt.Errorf("invalid --sort %q: want last_seen, first_seen, requests, errors or attacks", by)}
	}
	return func(a, b engine.Session) int {
		if c := cmp.Compare(key(&b), key(&a)); c != 0 {
			return c
		}
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}, nil
}
