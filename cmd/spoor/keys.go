package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
)

func newKeysCommand(_ *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "keys",
		Short: "Print the effective grouping-key order, built-ins included",
		Long:  "keys prints the grouping keys in the order spoor tries them; for each exchange the first key with a value names its session.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tKEY\tORIGIN\tWHY")
			for i, k := range engine.DefaultKeyList() {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, k.String(), k.Origin, k.Why)
			}
			return tw.Flush()
		},
	}
}
