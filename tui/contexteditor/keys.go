package contexteditor

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/listeditor"
)

// KeyMap is the editor's bindings: the list's and the editor's own.
// Parameters keep the order they were added in, so the move keys are off.
type KeyMap struct {
	List       listeditor.KeyMap
	Type, Hash key.Binding
	Save       key.Binding
	// Confirm and Keep answer the question before hashing is turned off.
	Confirm, Keep key.Binding
	// Order is the list's move keys, which have nothing to move here:
	// pressing one says why.
	Order key.Binding
}

// DefaultKeyMap returns the editor's default bindings.
func DefaultKeyMap() KeyMap {
	l := listeditor.DefaultKeyMap()
	l.MoveUp.SetEnabled(false)
	l.MoveDown.SetEnabled(false)
	return KeyMap{
		List:    l,
		Type:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "type")),
		Hash:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hash on/off")),
		Save:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "store in the clear")),
		Keep:    key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep hashed")),
		Order:   key.NewBinding(key.WithKeys("K", "J", "shift+up", "shift+down")),
	}
}
