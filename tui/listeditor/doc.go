// Package listeditor is what the key and context editors share: an
// ordered list of entries the user configured, followed by fixed rows the
// editor adds (the built-in keys, the default credentials), drawn as a
// table with a cursor; moving through it (j/k, pgup/pgdn, g/G to the first
// and last row), adding an entry after the cursor with the spec input,
// removing one and moving it up or down, and saying why when a key cannot
// apply to the row under the cursor (Config.Refuse, Config.Last); the footer
// with the input, a note, a confirmation before unsaved edits are dropped,
// and the error line; and the help generated from its key map.
//
// One editor keeps only its own: what an entry and a row are, how a typed
// spec becomes an entry, the actions of its own keys, and what saving or
// applying means. It tells the list through Loaded, SetRows and Edit, and
// hears back an Event from Update.
//
// Every line it draws is fitted to the width by display width, and a view
// taller than the area loses its top, never the footer, which carries the
// input and the errors. It does no I/O, and takes its styles from
// tui/theme.
package listeditor
