package listeditor

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the list's bindings. While a spec is being typed the input
// takes every key but Accept and Cancel. An editor whose entries have no
// order disables MoveUp and MoveDown, which help then leaves out.
type KeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	Home, End        key.Binding
	MoveUp, MoveDown key.Binding
	Add, Delete      key.Binding
	Accept, Cancel   key.Binding
	Complete         key.Binding
	Close            key.Binding
}

// DefaultKeyMap returns the list's default bindings; an editor renames
// their help to say what an entry is.
func DefaultKeyMap() KeyMap {
	nav := theme.DefaultNavKeyMap()
	return KeyMap{
		Up:       nav.Up,
		Down:     nav.Down,
		PageUp:   nav.PageUp,
		PageDown: nav.PageDown,
		Home:     nav.Home,
		End:      nav.End,
		MoveUp:   key.NewBinding(key.WithKeys("shift+up", "K"), key.WithHelp("K/⇧↑", "move up")),
		MoveDown: key.NewBinding(key.WithKeys("shift+down", "J"), key.WithHelp("J/⇧↓", "move down")),
		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Delete:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "remove")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
