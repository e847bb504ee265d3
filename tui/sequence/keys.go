package sequence

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the sequence view's key bindings.
type KeyMap struct {
	Nav   theme.NavKeyMap
	Open  key.Binding
	Back  key.Binding
	Stats key.Binding
	Clear key.Binding
	Copy  key.Binding
}

// DefaultKeyMap returns the sequence view's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:   theme.DefaultNavKeyMap(),
		Open:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "request detail")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Stats: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stats")),
		Clear: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clear stat filter")),
		Copy:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open, k.Stats, k.Clear, k.Back}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open, k.Stats, k.Clear, k.Copy, k.Back}}
}

// setEnabled turns on the keys that act on requests when there are some.
func (k *KeyMap) setEnabled(rows bool) {
	k.Nav.SetEnabled(rows)
	k.Open.SetEnabled(rows)
	k.Copy.SetEnabled(rows)
}
