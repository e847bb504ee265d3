// Package corpora finds the shared corpora (real attack payloads, CRS
// regression tests, access logs, HAR, MCP and GraphQL samples) that the
// evaluations of make eval read in place. It owns only that lookup; the
// corpora are never copied into the repository, and no test reads them:
// make test passes on a clone with nothing beside it.
package corpora
