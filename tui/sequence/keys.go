package sequence

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the sequence view's key bindings.
type KeyMap struct {
	Nav    theme.NavKeyMap
	Open   key.Binding
	Back   key.Binding
	Stats  key.Binding
	Clear  key.Binding
	Copy   key.Binding
	Filter key.Binding
	// Unfilter is esc while a filter narrows the rows: it shows them all
	// again, and only the next esc goes back to the list.
	Unfilter key.Binding
	Raw      key.Binding
}

// DefaultKeyMap returns the sequence view's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:      theme.DefaultNavKeyMap(),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "request detail")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Stats:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stats")),
		Clear:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clear stat filter")),
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
		Filter:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Unfilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "show all requests")),
		Raw:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "raw")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open, k.Filter, k.Raw, k.Unfilter, k.Back, k.Stats, k.Clear}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open, k.Filter, k.Raw, k.Stats, k.Clear, k.Copy, k.Unfilter, k.Back}}
}

// setEnabled turns on the keys that act on requests when there are some.
func (k *KeyMap) setEnabled(rows bool) {
	k.Nav.SetEnabled(rows)
	k.Open.SetEnabled(rows)
	k.Copy.SetEnabled(rows)
}

// setFiltered offers esc as the way out of a filter while one narrows the
// rows, and as the way back to the list otherwise.
func (k *KeyMap) setFiltered(filtered bool) {
	k.Unfilter.SetEnabled(filtered)
	k.Back.SetEnabled(!filtered)
}

// setRaw names what d switches to.
func (k *KeyMap) setRaw(raw bool) {
	k.Raw.SetHelp("d", "raw")
	if raw {
		k.Raw.SetHelp("d", "decoded")
	}
}
