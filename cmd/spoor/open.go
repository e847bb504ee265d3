package main

import (
	"bytes"
	"context"
	"errors"
	"github.com/spoorhq/spoor/query"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui"
	"github.com/spoorhq/spoor/workstation"
)

func newOpenCommand(g *globalFlags) *cobra.Command {
	var nats natsFlags
	cmd := &cobra.Command{
		Use:   "open",
		Short: "Investigate a stored capture in the interface",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if nats.subscribe != "" {
				return openSubscribed(cmd, g, &nats)
			}
			st, err := openLiveReads(g)
			if err != nil {
				return err
			}
			defer st.Close()
			p := tea.NewProgram(tui.New(tui.Options{Source: st, Title: "spoor · " + st.Path(), Export: tuiExport(st), Report: tuiReport(st), Flows: configuredFlows(st.Store), ExportDir: exportDir(), Endpoints: storedEndpoints{st.Store}}), tea.WithContext(cmd.Context()))
			if _, err := p.Run(); err != nil && !(errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil) {
				return err
			}
			return nil
		},
	}
	nats.addSubscribe(cmd.Flags(), "collect what capture nodes publish to NATS JetStream at this URL into the store, live")
	nats.addConn(cmd.Flags())
	return cmd
}

// openSubscribed is spoor open --subscribe: a workstation that collects
// from NATS into the store, with the interface over it.
func openSubscribed(cmd *cobra.Command, g *globalFlags, nats *natsFlags) error {
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
	w, err := workstation.Open(workstation.Options{Store: path, Collect: nats.collectOptions(nil, log), Log: log})
	if err != nil {
		return err
	}
	runErr := runTUI(cmd.Context(), w, "spoor · collecting from "+nats.subscribe)
	if err := w.Close(); err != nil {
		return err
	}
	return runErr
}

// tuiExport lets the interface export a session in the formats of spoor
// export, rendered into memory for the TUI to write.
func tuiExport(st *query.Muting) func(sessionID, format string) ([]byte, error) {
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

// openReads opens the store as openReadOnly does, its reads with the
// mute rules it holds applied to the history stored before them: what
// every reading command and the TUI count.
func openReads(g *globalFlags) (*query.Muting, error) {
	st, err := openReadOnly(g)
	if err != nil {
		return nil, err
	}
	reads, err := query.StoredMutes(st, time.Now())
	if err != nil {
		st.Close()
		return nil, err
	}
	return reads, nil
}

// openLiveReads opens the store as openReads does, for the interface:
// the mute rules apply as they stand at each read, so that one expiring
// while the interface is open counts its tags again.
func openLiveReads(g *globalFlags) (*query.Muting, error) {
	st, err := openReadOnly(g)
	if err != nil {
		return nil, err
	}
	reads, err := query.SavedMutes(st, time.Now)
	if err != nil {
		st.Close()
		return nil, err
	}
	return reads, nil
}

// storedEndpoints is the inventory a stored capture saved, for the TUI's
// endpoints view.
type storedEndpoints struct{ st *store.Store }

func (s storedEndpoints) Endpoints(ctx context.Context) ([]inventory.Endpoint, error) {
	return workstation.ReadEndpoints(ctx, s.st, workstation.EndpointsQuery{})
}
