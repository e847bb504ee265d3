// Package report renders stored sessions as an account a person reads
// away from spoor: one self-contained HTML file (inline CSS, no script,
// nothing fetched: it opens offline in any browser and prints) or
// Markdown short enough for a ticket. `spoor report` and the TUI's r
// both write through Write.
//
// HTML is rendered by html/template only, so every stored value is
// escaped for the context it lands in: a captured <script> payload shows
// as text. Markdown puts stored values in code spans fenced longer than
// any backtick run inside them, and escapes the rest.
//
// Values are shown as stored: credentials and hashed context values are
// keyed hashes there, and stay so. The package reads through a Source
// (the store satisfies it) and must not open a store, a terminal or the
// network.
package report
