package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// KeyMap is the global key bindings, checked before the focused component
// sees a key.
type KeyMap struct {
	Help      key.Binding
	Quit      key.Binding
	Interrupt key.Binding
}

// DefaultKeyMap returns the global default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit}
}

// FullHelp lists every global key in one column.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Help, k.Quit, k.Interrupt}}
}

// helpKeys joins the focused component's keys with the global ones, so the
// help line always describes exactly the keys that work right now.
type helpKeys struct {
	local  help.KeyMap
	global KeyMap
}

func (h helpKeys) ShortHelp() []key.Binding {
	return append(h.local.ShortHelp(), h.global.ShortHelp()...)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	return append(h.local.FullHelp(), h.global.FullHelp()...)
}
