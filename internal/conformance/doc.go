// Package conformance holds the checks that run both over the shared
// corpora (cmd/spoor-corpus-check, run by make eval) and over the small
// fixtures in the packages' testdata (their unit tests): HAR files against
// mitmproxy's expected flows, the access log import, GraphQL parser and
// validation cases, and MCP conformance sequences. Each check reads a
// directory or file of cases, in the same formats on both sides, and
// returns what did not match as a list of problems; the tests turn them
// into test errors and the program prints them and exits 1.
//
// It must not import testing, hold logic the product uses, or read the
// corpora itself: callers name the directory. It imports engine and
// capture/importer only; the observers under test (the GraphQL Inspector,
// the MCP Tracker) are passed in, so that the tests of engine/gql and
// engine/mcp can use it without an import cycle.
package conformance
