// Package keyeditor is the grouping-key editor: the effective key list
// with where each key comes from, reordering, adding (validated with
// engine.ParseKey, completed from points seen in the traffic), deleting,
// toggling the built-in keys, a preview of what regrouping would do, and
// applying it with a progress bar. The list itself (cursor, moving,
// adding, deleting, the footer and help) is a tui/listeditor; this package
// keeps what a key is, the built-in switch, the preview and the regroup.
//
// It talks to the store only through a Backend whose calls it makes inside
// tea.Cmds; it never blocks Update or View, and it never touches the
// sessions list, which the root model reloads after an apply.
package keyeditor
