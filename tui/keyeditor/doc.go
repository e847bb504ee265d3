// Package keyeditor is the grouping-key editor: the effective key list
// with where each key comes from, reordering, adding (validated with
// engine.ParseKey, completed from the points the Backend finds in the
// newest stored exchanges, every kind the grammar reads), deleting,
// toggling the built-in keys, a preview of what regrouping would do, and
// applying it with a progress bar. The list itself (cursor, moving,
// adding, deleting, the footer and help) is a tui/listeditor; this package
// keeps what a key is, the built-in switch, the preview and the regroup,
// and why a built-in or fallback key cannot be moved or deleted: only the
// user's keys have an order, and the built-ins go together (b).
//
// It talks to the store only through a Backend whose calls it makes inside
// tea.Cmds; it never blocks Update or View, and it never touches the
// sessions list, which the root model reloads after an apply.
package keyeditor
