// Package table owns the mechanics the TUI's lists share: fitting columns
// into a terminal width, fitting text into cells by display width, making
// captured text safe to print, applying colour-only styles without
// lipgloss's layout work (Paint), and a cursor over a list that only
// renders its visible window.
//
// It knows nothing of sessions or exchanges, holds no styles of its own (it
// takes them from tui/theme) and does no I/O.
package table
