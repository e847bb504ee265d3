// Package export renders stored exchanges in the formats a user takes them
// elsewhere in: HAR 1.2 (which spoor import reads back), and curl commands
// that replay requests. The TUI's y copies Curl's command and spoor export
// --format curl writes WriteCurl's, so the two cannot drift; URL is the
// address every format names a request by.
//
// It reads engine values only: it must not touch the store, the terminal
// or the network, and it never puts back a credential the store hashed.
// The JSON and CSV exports, which share their fields with spoor sessions
// and spoor requests --json, stay with those commands in cmd/spoor.
package export
