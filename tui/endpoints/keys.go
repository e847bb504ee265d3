package endpoints

import (
	"charm.land/bubbles/v2/key"

	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the endpoints view's key bindings.
type KeyMap struct {
	Nav theme.NavKeyMap
	// Open lists the sessions that called the endpoint under the cursor.
	Open key.Binding
	// Sort moves the sort to the next column and Reverse flips its
	// direction, as in the sessions list.
	Sort    key.Binding
	Reverse key.Binding
	Search  key.Binding
	// Clear is esc while a search narrows the rows: it shows them all
	// again, and only the next esc goes back.
	Clear key.Binding
	Back  key.Binding
	// Accept and Cancel end a search being typed.
	Accept key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the view's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Nav:     theme.DefaultNavKeyMap(),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "sessions")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse")),
		Search:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Clear:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Accept:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep results")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Open, k.Sort, k.Search, k.Clear, k.Back}
}

// FullHelp lists every key, movement in one column and actions in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.Nav.Bindings(), {k.Open, k.Sort, k.Reverse, k.Search, k.Clear, k.Back}}
}

// setEnabled turns the keys that act on rows on when there are some, and
// offers esc as the way out of a search while one narrows the rows.
func (k *KeyMap) setEnabled(rows, searched bool) {
	k.Nav.SetEnabled(rows)
	k.Open.SetEnabled(rows)
	k.Sort.SetEnabled(rows)
	k.Reverse.SetEnabled(rows)
	k.Clear.SetEnabled(searched)
	k.Back.SetEnabled(!searched)
}

// typingKeys is the key map while a search is typed.
type typingKeys struct{ k KeyMap }

func (t typingKeys) ShortHelp() []key.Binding { return []key.Binding{t.k.Accept, t.k.Cancel} }

func (t typingKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{t.k.Accept, t.k.Cancel}} }
