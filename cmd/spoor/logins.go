package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/workstation"
)

func newLoginsCommand(g *globalFlags) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "logins",
		Short: "Print the login endpoints the abuse verdicts recognise, built-ins included",
		Long: "logins prints the endpoints whose requests count as login attempts besides the Auth flow, " +
			"a password-like field (password, passwd, pwd, pass, pin), Basic credentials and a path that names a login; " +
			"each with the reason it is listed. The configuration's logins section adds to the built-ins. " +
			"The configuration is --config, else the one saved in the store, else the defaults.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, source, err := workstation.ReadConfig(configFile, g.storePath)
			if err != nil {
				return err
			}
			table, err := engine.NewLoginTable(cfg.Logins)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "configuration: %s; also logins: the Auth flow, a password-like field, Basic credentials, a path ending in login, signin or token\n\n", source)
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tMATCH\tBODY\tORIGIN\tWHY")
			for i, e := range table.Endpoints() {
				origin, body := "built-in", e.Body
				if !e.Builtin {
					origin = "config"
				}
				if body == "" {
					body = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, e.Match, body, origin, e.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "configuration file to explain instead of the store's")
	return cmd
}
