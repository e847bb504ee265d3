// Package contexteditor is the context-parameter editor: the effective
// context parameters (the configured points with their type and whether
// they are stored hashed, then the credentials hashed by default), adding a
// point (validated with engine.ParsePoint, completed from points seen in
// the traffic), removing one, cycling its type through plain, user, role
// and context, toggling hashing, and saving. Turning hashing off (for the
// credentials, one setting for the four rows, or for a parameter) asks
// first: the question says what new exchanges will store in the clear and
// marks the rows that change; only y turns it off. The list itself (cursor,
// adding, removing, the footer, the question before unsaved edits are
// dropped, help) is a tui/listeditor; this package keeps what a parameter
// is, the credential rows and what saving means.
//
// It talks to the store only through a Backend whose calls it makes inside
// tea.Cmds, and never blocks Update or View. A save applies to exchanges
// captured after it: stored requests keep the context they were captured
// with, and the editor says so.
package contexteditor
