// Package accesslog gives benchmarks the shared Apache access log as
// exchanges, parsed by the importer spoor import uses, and replays them
// through an analyzer as an import would. It is for tests and benchmarks
// only; the log is read in place, never copied into the repository.
package accesslog
