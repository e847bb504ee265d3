package keyeditor

import "charm.land/bubbles/v2/key"

// KeyMap is the editor's bindings. While a key is being typed the input
// takes every key but Accept and Cancel.
type KeyMap struct {
	Up, Down         key.Binding
	MoveUp, MoveDown key.Binding
	Add, Delete      key.Binding
	Builtin          key.Binding
	Preview, Apply   key.Binding
	Accept, Cancel   key.Binding
	Complete         key.Binding
	Close            key.Binding
}

// DefaultKeyMap returns the editor's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		MoveUp:   key.NewBinding(key.WithKeys("shift+up", "K"), key.WithHelp("K/⇧↑", "move key up")),
		MoveDown: key.NewBinding(key.WithKeys("shift+down", "J"), key.WithHelp("J/⇧↓", "move key down")),
		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add key")),
		Delete:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete key")),
		Builtin:  key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "built-ins on/off")),
		Preview:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "preview")),
		Apply:    key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "apply")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
