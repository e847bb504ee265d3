package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spoorhq/spoor/engine/detect"
)

// printChecks prints every detector with its tier and the attack type it
// reports, as `spoor keys` prints the grouping keys.
func printChecks(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIER\tRULE\tTYPE\tWHAT")
	for _, c := range detect.Checks() {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", c.Tier, c.Rule, c.Type, c.What)
	}
	return tw.Flush()
}
