// Package corpora finds the shared test corpora (real attack payloads, CRS
// regression tests, access logs, HAR, MCP and GraphQL samples) that tests
// and evaluations read in place. It owns only that lookup; the corpora are
// never copied into the repository.
package corpora
