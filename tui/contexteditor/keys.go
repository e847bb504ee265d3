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
}

// DefaultKeyMap returns the editor's default bindings.
func DefaultKeyMap() KeyMap {
	l := listeditor.DefaultKeyMap()
	l.MoveUp.SetEnabled(false)
	l.MoveDown.SetEnabled(false)
	return KeyMap{
		List: l,
		Type: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "type")),
		Hash: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hash on/off")),
		Save: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
	}
}
