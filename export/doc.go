// Package export renders stored sessions and exchanges in the formats a
// user takes them elsewhere in: HAR 1.2 (which spoor import reads back),
// curl commands that replay requests, CSV, and the JSON records of spoor
// sessions and spoor requests (record.go holds that contract, which
// scripts rely on). Exporter picks a session format for spoor export and
// the TUI's e alike. The TUI's y copies Curl's command and spoor export
// --format curl writes WriteCurl's, so the two cannot drift; URL is the
// address every format names a request by.
//
// It reads engine values only: it must not touch the store, the terminal
// or the network, and it never puts back a credential the store hashed.
package export
