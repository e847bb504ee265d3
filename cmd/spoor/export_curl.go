package main

import (
	"fmt"
	"io"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
)

// writeCurl writes one curl command per request, each after comments
// saying when it was sent and what it got back. The command is
// export.Curl's, the one the TUI's y copies.
func writeCurl(w io.Writer, e *sessionExport) error {
	fmt.Fprintf(w, "# spoor session %s (%s), %d requests\n", e.session.ID, e.session.Actor, len(e.requests))
	return e.withBodies(func(x *engine.Exchange) error {
		_, err := io.WriteString(w, "\n"+export.CurlNotes(x)+export.Curl(x)+"\n")
		return err
	})
}
