// Package theme owns the TUI's look and its shared key bindings: semantic
// colour tokens, the styles built from them, and the navigation keys every
// list uses.
//
// It is a leaf: the root model and every component import it, so it must
// import none of them. Colour literals live here and nowhere else in tui/.
// A Theme is a value built by New; nothing here is package-level state, so a
// background-colour change simply builds a new Theme.
package theme
