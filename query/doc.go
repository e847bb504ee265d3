// Package query is the one path from a filter to the stored sessions and
// requests that match it: the CLI's sessions and requests commands and the
// TUI's lists both run their filters through it, so that the same filter
// on the same store gives the same answer everywhere.
//
// A query plans the filter onto the store's indexes (plan.go): the terms an
// index can narrow give candidate ids, and the whole filter is evaluated on
// each candidate. Results stream to a callback in the order asked for and
// stop at the limit; Stats says how much was read and whether a bound cut
// the result short, so that a caller never shows a partial result as a
// whole one.
//
// The impact preview (impact.go, impactpass.go) counts what both list
// queries would give for a condition in one pass over the candidates.
//
// It reads through the Source, Indexed and Scanner interfaces, which the store
// satisfies. It must not write to the store, hold a read transaction
// between calls, or know how the store lays out bytes.
package query
