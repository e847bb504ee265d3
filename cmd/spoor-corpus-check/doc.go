// Command spoor-corpus-check runs the checks that need the shared corpora
// and so cannot be unit tests (make test passes on a clone with nothing
// beside it): every HAR file of mitmproxy's importer tests compared with
// mitmproxy's own parse, the 10,000-line Apache log imported in order,
// gqlparser's and graphql-js's cases through spoor's GraphQL reading, and
// the MCP go-sdk conformance sequences through the Analyzer and the
// Tracker. The checks themselves are package internal/conformance's: the
// unit tests call the same functions on small fixtures in their packages'
// testdata; this program calls them on the corpora, run by make eval.
//
// Usage:
//
//	spoor-corpus-check [-corpora DIR]
//
// The corpora directory defaults to $SPOOR_CORPORA, else ../shared/corpora
// beside the repository. A missing corpus is one line naming it and exit
// status 2; a failed check lists its problems and exits 1.
//
// It owns only the corpus paths and the corpus-wide expectations; it must
// not hold logic the product uses, nor a check of its own.
package main
