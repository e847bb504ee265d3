package sessions

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the list's key bindings.
type KeyMap struct {
	Nav    theme.NavKeyMap
	Open   key.Binding
	Sort   key.Binding
	Follow key.Binding
	// Resume re-enters follow mode after the user scrolled away; it is
	// only enabled while follow is paused, and then takes G from the
	// "last row" binding, as less +F does.
	Resume key.Binding
}

// DefaultKeyMap returns the list's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:    theme.DefaultNavKeyMap(),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Sort:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Follow: key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow")),
		Resume: key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "resume follow")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open, k.Sort}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open, k.Sort, k.Follow, k.Resume}}
}

// setEnabled turns the keys on only when there is a session to act on.
func (k *KeyMap) setEnabled(on bool) {
	k.Nav.SetEnabled(on)
	k.Open.SetEnabled(on)
	k.Sort.SetEnabled(on)
}
