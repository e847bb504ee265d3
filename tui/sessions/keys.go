package sessions

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the list's key bindings.
type KeyMap struct {
	Nav  theme.NavKeyMap
	Open key.Binding
	// Sort moves the sort to the next column and Reverse flips its
	// direction; the header marks the column ▲ or ▼.
	Sort    key.Binding
	Reverse key.Binding
	// Pause freezes the rows while the capture goes on; the status bar
	// counts the updates waiting, and pausing again applies them.
	Pause key.Binding
}

// DefaultKeyMap returns the list's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:     theme.DefaultNavKeyMap(),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse")),
		Pause:   key.NewBinding(key.WithKeys("space", "p"), key.WithHelp("space", "pause")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open, k.Sort}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open, k.Sort, k.Reverse, k.Pause}}
}

// setEnabled turns the keys on only when there is a session to act on;
// pausing works on an empty list too, which may be about to fill.
func (k *KeyMap) setEnabled(on bool) {
	k.Nav.SetEnabled(on)
	k.Open.SetEnabled(on)
	k.Sort.SetEnabled(on)
	k.Reverse.SetEnabled(on)
}
