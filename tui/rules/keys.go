package rules

import "charm.land/bubbles/v2/key"

// KeyMap is the screen's bindings.
type KeyMap struct {
	Up, Down key.Binding
	Toggle   key.Binding
	Delete   key.Binding
	Edit     key.Binding
	Choose   key.Binding
	// NextField and PrevField move through the edit form.
	NextField, PrevField key.Binding
	Confirm              key.Binding
	Back                 key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Toggle:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "enable/disable")),
		Delete:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Edit:      key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e/enter", "edit")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Choose:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "preview")),
		Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Toggle, k.Edit, k.Delete, k.Choose, k.NextField, k.PrevField, k.Confirm, k.Back}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// setEnabled turns on the keys of the current step only.
func (k *KeyMap) setEnabled(s step, rows int) {
	k.Up.SetEnabled(s != stepConfirm && s != stepEdit && rows > 1)
	k.Down.SetEnabled(s != stepConfirm && s != stepEdit && rows > 1)
	k.Toggle.SetEnabled(s == stepList && rows > 0)
	k.Edit.SetEnabled(s == stepList && rows > 0)
	k.Delete.SetEnabled(s == stepList && rows > 0)
	k.Choose.SetEnabled(s == stepChoose || s == stepEdit)
	k.NextField.SetEnabled(s == stepEdit)
	k.PrevField.SetEnabled(s == stepEdit)
	k.Confirm.SetEnabled(s == stepConfirm)
}
