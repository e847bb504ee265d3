package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/workstation"
)

func newProxyCommand(g *globalFlags) *cobra.Command {
	var (
		upstream, listen  string
		configFile        string
		trust             []string
		noTUI, noDetect   bool
		runFor, retention time.Duration
	)
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL",
		Short: "Capture traffic to an API through a local reverse proxy",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if upstream == "" {
				return usageError{fmt.Errorf("--upstream is required, for example --upstream http://127.0.0.1:8080")}
			}
			if err := capture.CheckUpstream(upstream); err != nil {
				return usageError{err}
			}
			prefixes, err := parsePrefixes(trust)
			if err != nil {
				return err
			}
			path, err := g.storePath()
			if err != nil {
				return err
			}
			log, closeLog, err := g.logger()
			if err != nil {
				return err
			}
			defer closeLog()
			w, err := workstation.Open(workstation.Options{Store: path, Upstream: upstream, Listen: listen, TrustForwarded: prefixes, ConfigFile: configFile, Retention: retentionFlag(cmd, retention), NoDetect: noDetect, Log: log})
			if err != nil {
				return err
			}
			var runErr error
			if noTUI {
				fmt.Fprintf(cmd.ErrOrStderr(), "spoor: proxy on http://%s → %s, store %s\n", w.Addr(), upstream, path)
				waitHeadless(cmd.Context(), runFor)
			} else {
				runErr = runTUI(cmd.Context(), w, fmt.Sprintf("spoor proxy · %s → %s", w.Addr(), upstream))
			}
			if err := w.Close(); err != nil {
				return err
			}
			if noTUI {
				summary(cmd.ErrOrStderr(), w, path)
			}
			return runErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&upstream, "upstream", "", "URL of the API to proxy (required)")
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "address the proxy listens on")
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML: grouping keys, context, flows, scope)")
	f.StringSliceVar(&trust, "trust-forwarded", nil, "peers (CIDR or address) whose X-Forwarded-For names the client")
	f.BoolVar(&noTUI, "no-tui", false, "capture without the interface")
	f.DurationVar(&runFor, "for", 0, "stop after this long (0: until interrupted)")
	f.DurationVar(&retention, "retention", 0, retentionHelp())
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	return cmd
}
