// Package sparkline draws the TUI's small pictures: one-line sparklines of
// counts over time with error cells marked, horizontal proportion bars
// such as a status-code mix, a histogram, and a progress bar.
//
// It turns numbers into strings and nothing else: no I/O, no state, and
// styles come from the caller's tui/theme.
package sparkline
