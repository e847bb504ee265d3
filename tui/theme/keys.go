package theme

import "charm.land/bubbles/v2/key"

// NavKeyMap holds the movement keys shared by every list, so that j/k and
// g/G mean the same thing wherever the cursor is.
type NavKeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
}

// DefaultNavKeyMap returns the vi-and-arrows movement keys.
func DefaultNavKeyMap() NavKeyMap {
	return NavKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		End:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
	}
}

// SetEnabled turns every movement key on or off together; an empty list has
// nowhere to move, and help must not offer keys that do nothing.
func (k *NavKeyMap) SetEnabled(on bool) {
	for _, b := range k.bindings() {
		b.SetEnabled(on)
	}
}

// Bindings lists the keys in help order.
func (k NavKeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}
}

func (k *NavKeyMap) bindings() []*key.Binding {
	return []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End}
}
