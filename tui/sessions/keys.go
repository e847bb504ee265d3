package sessions

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the list's key bindings.
type KeyMap struct {
	Nav  theme.NavKeyMap
	Open key.Binding
}

// DefaultKeyMap returns the list's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:  theme.DefaultNavKeyMap(),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open}}
}

// setEnabled turns the keys on only when there is a session to act on.
func (k *KeyMap) setEnabled(on bool) {
	k.Nav.SetEnabled(on)
	k.Open.SetEnabled(on)
}
