// Package stats sums up one session's requests: counts by method, status
// code, client IP and attack type, per-endpoint latency percentiles, the
// threshold above which a request counts as slow, and the pictures drawn
// from them (a status-code bar and a latency histogram). Its Picker lets
// the user choose one value to filter the request sequence by.
//
// It computes from exchanges it is given and never reads the store.
package stats
