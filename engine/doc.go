// Package engine is spoor's domain: exchanges, request points, grouping keys,
// sessions and their statistics.
//
// It owns the rules that turn a stream of request/response pairs into the
// sessions an investigator reads. It is plain Go with no I/O: it imports none
// of bbolt, fasthttp or Bubble Tea, starts no goroutines, and reads no clock
// (times come from the exchanges), so a test can drive it with literals.
package engine
