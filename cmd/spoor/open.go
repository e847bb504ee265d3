package main

import (
	"errors"

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
			p := tea.NewProgram(tui.New(tui.Options{Source: st, Title: "spoor · " + st.Path()}), tea.WithContext(cmd.Context()))
			if _, err := p.Run(); err != nil && !(errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil) {
				return err
			}
			return nil
		},
	}
}

// openReadOnly opens the store for the reading commands. A read-only bbolt
// handle shares the file with a running capture.
func openReadOnly(g *globalFlags) (*store.Store, error) {
	path, err := g.storePath()
	if err != nil {
		return nil, err
	}
	return store.Open(path, store.Options{ReadOnly: true})
}
