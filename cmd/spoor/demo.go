package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/demo"
	"github.com/spoorhq/spoor/workstation"
)

func newDemoCommand(g *globalFlags) *cobra.Command {
	var (
		noTUI     bool
		noDetect  bool
		runFor    time.Duration
		retention time.Duration
		listen    string
		speed     float64
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a demo shop API with simulated actors behind the capture proxy",
		Long:  "demo starts a small shop API on loopback, the capture proxy in front of it, and simulated actors (shoppers, app users, an attacker, a credential stuffer, a scraper and an enumerator) sending real HTTP through the proxy.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log, closeLog, err := g.logger()
			if err != nil {
				return err
			}
			defer closeLog()
			path := g.db
			if path == "" {
				dir, err := os.MkdirTemp("", "spoor-demo-")
				if err != nil {
					return fmt.Errorf("create demo store: %w", err)
				}
				defer os.RemoveAll(dir)
				path = filepath.Join(dir, "demo.db")
			}

			api, err := demo.Serve(demo.APIOptions{Seed: 1})
			if err != nil {
				return err
			}
			defer api.Close()
			upstream := api.URL()

			// The demo's OpenAPI description of the shop gives each
			// endpoint its spec status; the workstation reads specs from
			// files, so it is written beside the store.
			spec := filepath.Join(filepath.Dir(path), "spoor-demo-openapi.yaml")
			if err := os.WriteFile(spec, demo.OpenAPI(), 0o600); err != nil {
				return fmt.Errorf("write the demo's OpenAPI spec: %w", err)
			}

			// The actors send X-Forwarded-For as clients behind a load
			// balancer would, so the proxy trusts it from loopback only.
			loopback, _ := parsePrefixes([]string{"127.0.0.0/8", "::1/128"})
			w, err := workstation.Open(workstation.Options{Store: path, Upstream: upstream, Listen: listen, TrustForwarded: loopback, FallbackConfig: demo.Config(), Specs: []string{spec}, Retention: retentionFlag(cmd, retention), NoDetect: noDetect, Log: log})
			if err != nil {
				return err
			}
			stopActors := demo.StartActors(ctx, demo.ActorOptions{Target: "http://" + w.Addr(), Seed: 1, Speed: speed, Logger: log})

			var runErr error
			if noTUI {
				fmt.Fprintf(cmd.ErrOrStderr(), "spoor: demo api %s, proxy http://%s, store %s\n", upstream, w.Addr(), path)
				waitHeadless(ctx, runFor)
			} else {
				runCtx, cancel := ctx, context.CancelFunc(func() {})
				if runFor > 0 {
					runCtx, cancel = context.WithTimeout(ctx, runFor)
				}
				runErr = runTUI(runCtx, w, fmt.Sprintf("spoor demo · proxy %s → %s", w.Addr(), upstream))
				cancel()
			}
			if err := stopActors(); err != nil {
				log.Warn("actors stopped", "err", err)
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
	f.BoolVar(&noTUI, "no-tui", false, "run without the interface")
	f.DurationVar(&runFor, "for", 0, "stop after this long (0: until quit)")
	f.DurationVar(&retention, "retention", 0, retentionHelp())
	f.StringVar(&listen, "listen", "127.0.0.1:0", "address of the capture proxy (port 0 picks a free one)")
	f.Float64Var(&speed, "speed", 1, "how fast the simulated actors act (1: human pacing)")
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	return cmd
}
