package main

import (
	"bytes"
	"errors"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui"
)

func newOpenCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "open",
		Short: "Investigate a stored capture in the interface",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			p := tea.NewProgram(tui.New(tui.Options{Source: st, Title: "spoor · " + st.Path(), Export: tuiExport(st), Report: tuiReport(st), Flows: configuredFlows(st), ExportDir: exportDir()}), tea.WithContext(cmd.Context()))
			if _, err := p.Run(); err != nil && !(errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil) {
				return err
			}
			return nil
		},
	}
}

// tuiExport lets the interface export a session in the formats of spoor
// export, rendered into memory for the TUI to write.
func tuiExport(st *store.Store) func(sessionID, format string) ([]byte, error) {
	return func(sessionID, format string) ([]byte, error) {
		write, err := exporter(format)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := writeSession(&buf, st, sessionID, write); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
}

// exportDir is where the TUI proposes to write exports: the data
// directory's exports/, whatever store is open, so that an export never
// lands in the directory spoor was started from (a repository, say). It is
// empty, the current directory, when there is no home to find it in.
func exportDir() string {
	db, err := store.DefaultPath()
	if err != nil {
		return ""
	}
	return filepath.Join(filepath.Dir(db), "exports")
}

// openReadOnly opens the store for the reading commands. bbolt's file lock
// keeps readers out while a capture holds the store, so these commands
// report it in use (store.ErrLocked) until the capture stops.
func openReadOnly(g *globalFlags) (*store.Store, error) {
	path, err := g.storePath()
	if err != nil {
		return nil, err
	}
	return store.Open(path, store.Options{ReadOnly: true})
}
