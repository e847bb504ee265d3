package main

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/spoorhq/spoor/query"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
)

func newExportCommand(g *globalFlags) *cobra.Command {
	var sessionID, format string
	cmd := &cobra.Command{
		Use:   "export --session ID [--format har|curl|csv|json]",
		Short: "Write one session's requests to standard output",
		Long: `export writes the requests of one session, in time order, to standard output:

  har   HAR 1.2 with the captured bodies, for browsers' devtools and proxies (spoor import reads it back)
  curl  one curl command per request, to replay it
  csv   one row per request with the fields of spoor requests --json
  json  the session and its requests, as spoor sessions and spoor requests print them

Credentials (Authorization, Cookie, Set-Cookie) and hashed context values are exported as stored: as keyed hashes.`,
		Example: `  spoor export --session 3fa2c1d4e5f6-1 > session.har
  spoor export --session 3fa2c1d4e5f6-1 --format curl | head`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sessionID == "" {
				return usageError{errors.New("--session is required (ids are listed by spoor sessions)")}
			}
			write, err := exporter(format)
			if err != nil {
				return err
			}
			st, err := openReads(g)
			if err != nil {
				return err
			}
			defer st.Close()
			w := bufio.NewWriter(cmd.OutOrStdout())
			if err := writeSession(w, st, sessionID, write); err != nil {
				return err
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&sessionID, "session", "", "session id (required)")
	f.StringVar(&format, "format", "har", "har, curl, csv or json")
	return cmd
}

// writeSession loads a session and its requests and writes them with
// write: spoor export and the TUI's e share it. Bodies are read one
// request at a time, for the formats that show them.
func writeSession(w io.Writer, st *query.Muting, sessionID string, write export.Func) error {
	s, err := st.Session(sessionID)
	if err != nil {
		return err
	}
	xs, err := st.Requests(sessionID)
	if err != nil {
		return err
	}
	each := func(fn func(x *engine.Exchange) error) error {
		for _, r := range xs {
			x, err := st.Exchange(r.ID)
			if err != nil {
				return err
			}
			if err := fn(&x); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(w, &export.Session{Session: s, Requests: xs, Each: each}); err != nil {
		return fmt.Errorf("export session %s: %w", sessionID, err)
	}
	return nil
}

// exporter is export.Exporter with a bad format reported as a mistake on
// the command line.
func exporter(format string) (export.Func, error) {
	write, err := export.Exporter(format)
	if err != nil {
		return nil, usageError{fmt.Errorf("invalid --format %q: want %s", format, strings.Join(export.Formats(), ", "))}
	}
	return write, nil
}
