package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/workstation"
)

func newCollectCommand(g *globalFlags) *cobra.Command {
	var (
		configFile string
		noDetect   bool
		runFor     time.Duration
		retention  time.Duration
		nats       natsFlags
	)
	cmd := &cobra.Command{
		Use:   "collect --subscribe nats://HOST:PORT",
		Short: "Store what capture nodes publish to NATS JetStream (headless; spoor open --subscribe for the interface)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if nats.subscribe == "" {
				return usageError{fmt.Errorf("--subscribe is required, for example --subscribe nats://127.0.0.1:4222")}
			}
			if err := nats.check(cmd); err != nil {
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
			keep := retentionFlag(cmd, retention)
			w, err := workstation.Open(workstation.Options{Store: path, ConfigFile: configFile, Retention: keep, NoDetect: noDetect, Collect: nats.collectOptions(keep, log), Log: log})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "spoor: collecting from %s (stream %s, consumer %s) into %s\n", nats.subscribe, nats.stream, nats.durable, path)
			waitHeadless(cmd.Context(), runFor)
			if err := w.Close(); err != nil {
				return err
			}
			summary(cmd.ErrOrStderr(), w, path)
			natsSummary(cmd.ErrOrStderr(), w.Stats())
			return nil
		},
	}
	f := cmd.Flags()
	nats.addSubscribe(f, "NATS URL of the JetStream the capture nodes publish to (required)")
	nats.addConn(f)
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML: grouping keys, context, flows, scope)")
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	f.DurationVar(&runFor, "for", 0, "stop after this long (0: until interrupted)")
	f.DurationVar(&retention, "retention", 0, retentionHelp())
	return cmd
}
