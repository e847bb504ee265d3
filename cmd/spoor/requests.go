package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newRequestsCommand(g *globalFlags) *cobra.Command {
	var (
		sessionID        string
		asJSON, asNDJSON bool
		limit            int
	)
	cmd := &cobra.Command{
		Use:   "requests --session ID",
		Short: "List the requests of a session in order",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := pickFormat(asJSON, asNDJSON)
			if err != nil {
				return err
			}
			if sessionID == "" {
				return usageError{fmt.Errorf("--session is required (ids are listed by spoor sessions)")}
			}
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.Session(sessionID); err != nil {
				return err
			}
			xs, err := st.Requests(sessionID)
			if err != nil {
				return err
			}
			if limit > 0 && len(xs) > limit {
				xs = xs[:limit]
			}
			out := cmd.OutOrStdout()
			if format != formatTable {
				items := make([]requestJSON, len(xs))
				for i, x := range xs {
					items[i] = toRequestJSON(x)
				}
				return writeJSON(out, format, items)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tMETHOD\tPATH\tSTATUS\tMS\tBYTES")
			for _, x := range xs {
				path := x.Path
				if x.Query != "" {
					path += "?" + x.Query
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f\t%d\n", x.Start.Local().Format("15:04:05.000"), x.Method, path, x.Status, float64(x.Duration.Microseconds())/1000, x.RespBody.Size)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&sessionID, "session", "", "session id (required)")
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	f.IntVar(&limit, "limit", 0, "print at most N requests (0: all)")
	return cmd
}
