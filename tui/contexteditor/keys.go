package contexteditor

import "charm.land/bubbles/v2/key"

// KeyMap is the editor's bindings. While a point is being typed the input
// takes every key but Accept and Cancel.
type KeyMap struct {
	Up, Down       key.Binding
	Add, Delete    key.Binding
	Type, Hash     key.Binding
	Save           key.Binding
	Accept, Cancel key.Binding
	Complete       key.Binding
	Close          key.Binding
}

// DefaultKeyMap returns the editor's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Delete:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "remove")),
		Type:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "type")),
		Hash:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hash on/off")),
		Save:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
