package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/store"
)

// globalFlags are shared by every subcommand.
type globalFlags struct {
	db      string
	logFile string
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "spoor",
		Short:         "Investigate API traffic as user sessions",
		Long:          "spoor captures API traffic through a local proxy (or imports it), groups every request into the session of the actor that sent it, and lets you investigate it in the terminal.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVar(&g.db, "db", "", "store file (default $XDG_DATA_HOME/spoor/spoor.db)")
	root.PersistentFlags().StringVar(&g.logFile, "log", "", "write a debug log to this file")
	root.AddCommand(
		newDemoCommand(g),
		newProxyCommand(g),
		newCollectCommand(g),
		newRelayKeyCommand(),
		newOpenCommand(g),
		newSessionsCommand(g),
		newRequestsCommand(g),
		newEndpointsCommand(g),
		newKeysCommand(g),
		newLoginsCommand(g),
		newDetectorsCommand(),
		newImportCommand(g),
		newExportCommand(g),
		newCACommand(),
		newReportCommand(g),
		newRulesCommand(g),
	)
	return root
}

// storePath returns --db or the default store path.
func (g *globalFlags) storePath() (string, error) {
	if g.db != "" {
		return g.db, nil
	}
	return store.DefaultPath()
}

// logger returns a logger writing to --log, or one that discards: the TUI
// owns the terminal, so nothing may log to stderr while it runs.
func (g *globalFlags) logger() (*slog.Logger, func(), error) {
	if g.logFile == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(g.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}

// exactArgs is cobra.ExactArgs reporting a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
