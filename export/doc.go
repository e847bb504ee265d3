// Package export renders stored exchanges in the formats a user takes them
// elsewhere in: a curl command that replays a request (the TUI's y and
// spoor export --format curl both use Curl, so the two cannot drift) and
// the URL every format names a request by.
//
// It reads engine values only: it must not touch the store, the terminal
// or the network, and it never puts back a credential the store hashed.
package export
