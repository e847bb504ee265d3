package keyeditor

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/listeditor"
)

// KeyMap is the editor's bindings: the list's, named for keys, and the
// editor's own.
type KeyMap struct {
	List           listeditor.KeyMap
	Builtin        key.Binding
	Preview, Apply key.Binding
}

// DefaultKeyMap returns the editor's default bindings.
func DefaultKeyMap() KeyMap {
	l := listeditor.DefaultKeyMap()
	l.MoveUp.SetHelp("K/⇧↑", "move key up")
	l.MoveDown.SetHelp("J/⇧↓", "move key down")
	l.Add.SetHelp("a", "add key")
	l.Delete.SetHelp("d", "delete key")
	return KeyMap{
		List:    l,
		Builtin: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "built-ins on/off")),
		Preview: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "preview")),
		Apply:   key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "apply")),
	}
}
