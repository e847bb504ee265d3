package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/workstation"
)

func newKeysCommand(g *globalFlags) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Print the effective grouping-key order, built-ins included",
		Long:  "keys prints the grouping keys in the order spoor tries them; for each exchange the first key with a value names its session. The configuration is --config, else the one saved in the store, else the defaults.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, source, err := workstation.ReadConfig(configFile, g.storePath)
			if err != nil {
				return err
			}
			keys, err := cfg.Grouping.KeyList()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "configuration: %s; sessions split after %s of inactivity and at most every 24h\n\n", source, cfg.Grouping.Inactivity)
			t := &table{cols: []column{{title: "#", right: true}, {title: "KEY", elide: true}, {title: "ORIGIN"}, {title: "STORED"}, {title: "WHY", elide: true}}}
			for _, k := range keys.Describe() {
				stored := "clear"
				if k.Hashed {
					stored = "hashed"
				}
				t.add(strconv.Itoa(k.Order), k.Key, string(k.Origin), stored, k.Why)
			}
			return t.write(out, terminalWidth(out))
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "configuration file to explain instead of the store's")
	return cmd
}
