package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/store"
)

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
			order, err := requestOrder(sortBy)
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
			xs, err := matchingRequests(st, sessionID, f)
			if err != nil {
				return err
			}
			slices.SortStableFunc(xs, order)
			if limit > 0 && len(xs) > limit {
				xs = xs[:limit]
			}
			out := cmd.OutOrStdout()
			if format != formatTable {
				items := make([]export.RequestJSON, len(xs))
				for i, x := range xs {
					items[i] = export.NewRequestJSON(x)
				}
				return writeJSON(out, format, items)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			if sessionID == "" {
				fmt.Fprint(tw, "SESSION\t")
			}
			fmt.Fprintln(tw, "TIME\tMETHOD\tPATH\tSTATUS\tMS\tBYTES")
			for _, x := range xs {
				if sessionID == "" {
					fmt.Fprintf(tw, "%s\t", x.SessionID)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f\t%d\n", x.Start.Local().Format("2006-01-02 15:04:05.000"), x.Method, x.Target(), x.Status, float64(x.Duration.Microseconds())/1000, x.RespBody.Size)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&sessionID, "session", "", "list the requests of this session only (ids are listed by spoor sessions)")
	f.StringVar(&expr, "filter", "", "show only requests matching this filter (method:POST, status:>=500, path:/api/**, dur:>500ms, ...)")
	f.StringVar(&sortBy, "sort", "time", "order: time (oldest first), or duration, status or size (largest first)")
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	f.IntVar(&limit, "limit", 0, "print at most N requests (0: all)")
	return cmd
}

// matchingRequests reads the requests of one session, or of all sessions,
// that f matches, each judged with its session at hand.
func matchingRequests(st *store.Store, sessionID string, f *filter.Filter) ([]engine.Exchange, error) {
	var sessions []engine.Session
	if sessionID != "" {
		s, err := st.Session(sessionID)
		if err != nil {
			return nil, err
		}
		sessions = []engine.Session{s}
	} else {
		var err error
		if sessions, err = st.Sessions(0); err != nil {
			return nil, err
		}
	}
	var out []engine.Exchange
	for i := range sessions {
		s := &sessions[i]
		xs, err := st.Requests(s.ID)
		if err != nil {
			return nil, err
		}
		for j := range xs {
			if f.MatchRequest(&xs[j], s) {
				out = append(out, xs[j])
			}
		}
	}
	return out, nil
}

// requestOrder returns the comparison of --sort: time runs forward, as a
// sequence reads; the others put the largest first. Ties keep time order.
func requestOrder(by string) (func(a, b engine.Exchange) int, error) {
	byTime := func(a, b engine.Exchange) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
	var key func(x *engine.Exchange) int64
	switch strings.ToLower(by) {
	case "", "time":
		return byTime, nil
	case "duration":
		key = func(x *engine.Exchange) int64 { return int64(x.Duration) }
	case "status":
		key = func(x *engine.Exchange) int64 { return int64(x.Status) }
	case "size":
		key = func(x *engine.Exchange) int64 { return x.ReqBody.Size + x.RespBody.Size }
	default:
		return nil, usageError{fmt.Errorf("invalid --sort %q: want time, duration, status or size", by)}
	}
	return func(a, b engine.Exchange) int {
		if c := cmp.Compare(key(&b), key(&a)); c != 0 {
			return c
		}
		return byTime(a, b)
	}, nil
}
