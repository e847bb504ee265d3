package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Session is what a session exporter writes: the session, its requests
// without bodies, and Each to walk them again with their bodies, one at a
// time, for the formats that show bodies.
type Session struct {
	Session  engine.Session
	Requests []engine.Exchange
	Each     Requests
}

// Func writes a session in one format.
type Func func(w io.Writer, s *Session) error

// Formats are the names Exporter accepts, in the order help lists them.
func Formats() []string { return []string{"har", "curl", "csv", "json"} }

// Exporter returns the writer of a format: har, curl, csv or json (any
// case). spoor export and the TUI's e both choose theirs here.
func Exporter(format string) (Func, error) {
	switch strings.ToLower(format) {
	case "har":
		return func(w io.Writer, s *Session) error { return WriteHAR(w, s.Each) }, nil
	case "curl":
		return func(w io.Writer, s *Session) error { return WriteCurl(w, s.Session, len(s.Requests), s.Each) }, nil
	case "csv":
		return WriteCSV, nil
	case "json":
		return WriteJSON, nil
	}
	return nil, fmt.Errorf("format %q: want %s", format, strings.Join(Formats(), ", "))
}
