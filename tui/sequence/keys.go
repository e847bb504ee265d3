package sequence

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the sequence view's key bindings.
type KeyMap struct {
	Nav  theme.NavKeyMap
	Back key.Binding
}

// DefaultKeyMap returns the sequence view's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:  theme.DefaultNavKeyMap(),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Back}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Back}}
}
