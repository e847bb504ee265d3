package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newSessionsCommand(g *globalFlags) *cobra.Command {
	var (
		asJSON, asNDJSON bool
		limit            int
	)
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List stored sessions, most recently active first",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := pickFormat(asJSON, asNDJSON)
			if err != nil {
				return err
			}
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			sessions, err := st.Sessions(limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format != formatTable {
				items := make([]sessionJSON, len(sessions))
				for i, s := range sessions {
					items[i] = toSessionJSON(s)
				}
				return writeJSON(out, format, items)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLAST SEEN\tACTOR\tKEY\tREQS\t4XX\t5XX")
			for _, s := range sessions {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s.ID, s.LastSeen.Local().Format("2006-01-02 15:04:05"), s.Actor, s.KeyPoint, s.Requests, s.ClassCount(4), s.ClassCount(5))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	f.IntVar(&limit, "limit", 0, "print at most N sessions (0: all)")
	return cmd
}
