// Package human formats numbers, durations, sizes and times for people:
// the TUI and the CLI tables share it so a count, a latency or a "last
// seen" reads the same on every screen ("3,550", "37.8 ms", "Mar 04 21:05").
package human
