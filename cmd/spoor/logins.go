package main

import (
	"fmt"
	"strconv"

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
			logins, err := engine.NewLoginTable(cfg.Logins)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "configuration: %s; also logins: the Auth flow, a password-like field, Basic credentials, a path ending in login, signin or token\n\n", source)
			t := &table{cols: []column{{title: "#", right: true}, {title: "MATCH", elide: true}, {title: "BODY", elide: true}, {title: "ORIGIN"}, {title: "WHY", elide: true}}}
			for i, e := range logins.Endpoints() {
				origin, body := "built-in", e.Body
				if !e.Builtin {
					origin = "config"
				}
				if body == "" {
					body = "-"
				}
				t.add(strconv.Itoa(i+1), e.Match, body, origin, e.Reason)
			}
			return t.write(out, terminalWidth(out))
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "configuration file to explain instead of the store's")
	return cmd
}
