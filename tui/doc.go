// Package tui is spoor's terminal interface: the root Bubble Tea model that
// lays out the components, owns the global keys and the status bar, and is
// the only place that reads the SessionSource.
//
// The root is a dispatcher. Components live in sub-packages (sessions,
// sequence) and render what they are given; styles and shared keys come
// from tui/theme and table mechanics from tui/table. Reads of the source
// happen only inside tea.Cmds that return typed messages, never in Update
// or View, and live refreshes are coalesced so that a busy capture cannot
// make the interface reload more than 20 times a second.
package tui
