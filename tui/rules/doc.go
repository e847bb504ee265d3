// Package rules is the TUI's rules screen: the saved block, virtual patch
// and mute rules with enable, disable, edit (a form of the rule's fields,
// edit.go) and delete (R), and the proposals other screens make (b on a
// session, m and v on a tag). Every change
// shows its impact over the stored history first (requests, sessions,
// users, flows, the clean sessions it would hit in red) and waits for a
// confirmation.
//
// It reads and writes through the Backend it is given (cmd's adapter over
// the workstation), always in a tea.Cmd; it must not open the store.
package rules
