// Package inventory is the API inventory: every endpoint (a method and a
// path template on a host) the traffic called, with what the traffic did
// there — requests, sessions, users, the status mix, latency percentiles,
// sizes, attack tags, abuse, the parameters seen (names and kinds, never
// values) — and, when a specification is given, whether the endpoint is
// documented, shadow, zombie or an undocumented method.
//
// It is maintained from exchanges as they are analysed, never by rescanning
// the store, and it does no I/O.
package inventory
