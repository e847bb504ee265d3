package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/store"
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
			st, err := openReadOnly(g)
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

// sessionExport is what an exporter writes: a session and its requests,
// whose bodies are loaded one request at a time by the formats that show
// them, so that a long session does not sit in memory with its bodies.
type sessionExport struct {
	store    *store.Store
	session  engine.Session
	requests []engine.Exchange
}

// withBodies calls fn with each request and its bodies, in order.
func (e *sessionExport) withBodies(fn func(x *engine.Exchange) error) error {
	for _, r := range e.requests {
		x, err := e.store.Exchange(r.ID)
		if err != nil {
			return err
		}
		if err := fn(&x); err != nil {
			return err
		}
	}
	return nil
}

// writeSession loads a session and its requests and writes them with
// write: spoor export and the TUI's e share it.
func writeSession(w io.Writer, st *store.Store, sessionID string, write exportFunc) error {
	s, err := st.Session(sessionID)
	if err != nil {
		return err
	}
	xs, err := st.Requests(sessionID)
	if err != nil {
		return err
	}
	if err := write(w, &sessionExport{store: st, session: s, requests: xs}); err != nil {
		return fmt.Errorf("export session %s: %w", sessionID, err)
	}
	return nil
}

type exportFunc func(w io.Writer, e *sessionExport) error

func exporter(format string) (exportFunc, error) {
	switch strings.ToLower(format) {
	case "har":
		return writeHAR, nil
	case "curl":
		return writeCurl, nil
	case "csv":
		return writeCSV, nil
	case "json":
		return writeExportJSON, nil
	}
	return nil, usageError{fmt.Errorf("invalid --format %q: want har, curl, csv or json", format)}
}

// writeHAR writes the session as HAR 1.2 with its bodies.
func writeHAR(w io.Writer, e *sessionExport) error {
	return export.WriteHAR(w, e.withBodies)
}

// writeCurl writes one curl command per request: export.WriteCurl, whose
// commands are the ones the TUI's y copies.
func writeCurl(w io.Writer, e *sessionExport) error {
	return export.WriteCurl(w, e.session, len(e.requests), e.withBodies)
}

// writeExportJSON writes {"session": ..., "requests": [...]} with the
// fields of spoor sessions --json and spoor requests --json.
func writeExportJSON(w io.Writer, e *sessionExport) error {
	out := struct {
		Session  sessionJSON   `json:"session"`
		Requests []requestJSON `json:"requests"`
	}{Session: toSessionJSON(e.session), Requests: make([]requestJSON, len(e.requests))}
	for i, x := range e.requests {
		out.Requests[i] = toRequestJSON(x)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// csvColumns are the fields of spoor requests --json, in its order.
func csvColumns() []string {
	return []string{"id", "session_id", "time", "method", "host", "path", "endpoint", "query", "status", "duration_ms", "req_bytes", "resp_bytes", "client_ip", "attacks", "context", "error"}
}

// writeCSV writes one row per request. Attacks and context, which are
// lists and maps, are JSON text in their cells.
func writeCSV(w io.Writer, e *sessionExport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns()); err != nil {
		return err
	}
	for _, x := range e.requests {
		r := toRequestJSON(x)
		attacks, _ := json.Marshal(r.Attacks)
		context, _ := json.Marshal(r.Context)
		row := []string{
			strconv.FormatUint(r.ID, 10), r.SessionID, r.Time.Format(time.RFC3339Nano), r.Method, r.Host, r.Path, r.Endpoint, r.Query,
			strconv.Itoa(r.Status), strconv.FormatFloat(r.DurationMS, 'f', -1, 64), strconv.FormatInt(r.ReqBytes, 10), strconv.FormatInt(r.RespBytes, 10),
			r.ClientIP, string(attacks), string(context), r.Error,
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
