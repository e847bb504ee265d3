package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine/detect"
)

func newDetectorsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "detectors",
		Short: "Print every attack detector, its tier and the attack type it reports",
		Long: "detectors lists the checks behind attack tags: tier 1 (libinjection and spoor's own checks, on every exchange) " +
			"and tier 2 (the OWASP Core Rule Set files, paranoia level 1), each with the rule name its tags carry, " +
			"the attack type it files findings under, and what it looks for.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t := &table{cols: []column{{title: "TIER", right: true}, {title: "RULE", elide: true}, {title: "TYPE"}, {title: "WHAT", elide: true}}}
			for _, c := range detect.Checks() {
				t.add(strconv.Itoa(c.Tier), c.Rule, c.Type, c.What)
			}
			out := cmd.OutOrStdout()
			return t.write(out, terminalWidth(out))
		},
	}
}
