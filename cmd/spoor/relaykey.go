package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/relay"
)

func newRelayKeyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "relay-key FILE",
		Short: "Make the relay key capture nodes and the workstation share (--relay-key): 32 random bytes, readable by you only",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := relay.WriteKey(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "spoor: relay key written to %s; copy it to every capture node and the workstation, and give it as --relay-key\n", args[0])
			return nil
		},
	}
}
