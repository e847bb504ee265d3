package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// KeyMap is the global key bindings, checked before the focused component
// sees a key (but never while a text input has focus).
type KeyMap struct {
	Help         key.Binding
	Quit         key.Binding
	Interrupt    key.Binding
	Search       key.Binding
	Filter       key.Binding
	ToggleFilter key.Binding
	Range15m     key.Binding
	Range1h      key.Binding
	Range24h     key.Binding
	RangeAll     key.Binding
	KeyEditor    key.Binding
	// ContextEditor is on C: c is free, but the editors pair as capitals.
	ContextEditor key.Binding
	MCPTab        key.Binding
	ExportHAR     key.Binding
	ExportJSON    key.Binding
	// Inventory opens the endpoints view (I for inventory), and
	// InventoryBack is esc on the sessions an endpoint's enter listed:
	// back to the endpoints, the list's own filter restored.
	Inventory     key.Binding
	InventoryBack key.Binding
	// Report writes a readable report of the session, or of the
	// filter's sessions (see reporting.go).
	Report key.Binding
	// Rules opens the rules screen; Block proposes blocking the session
	// on display, Mute and Patch a rule for the open request's first tag.
	Rules, Block, Mute, Patch key.Binding
}

// DefaultKeyMap returns the global default bindings. The key editor is on
// K because k is the vi "up" every list shares.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:          key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Search:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Filter:        key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		ToggleFilter:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "filter on/off")),
		Range15m:      key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "last 15m")),
		Range1h:       key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "last 1h")),
		Range24h:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "last 24h")),
		RangeAll:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "all time")),
		KeyEditor:     key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "grouping keys")),
		ContextEditor: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "context params")),
		MCPTab:        key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "MCP sessions")),
		ExportHAR:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export HAR")),
		ExportJSON:    key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "export JSON")),
		Inventory:     key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "endpoints")),
		InventoryBack: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to endpoints")),
		Report:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "report")),
		Rules:         key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rules")),
		Block:         key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "block…")),
		Mute:          key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute tag")),
		Patch:         key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "virtual patch")),
	}
}

// ShortHelp lists the keys worth a place on the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.InventoryBack, k.Search, k.Filter, k.Help, k.Quit}
}

// FullHelp lists every global key: finding sessions in one column, the
// rest in another.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Search, k.Filter, k.ToggleFilter, k.Range15m, k.Range1h, k.Range24h, k.RangeAll},
		{k.MCPTab, k.Inventory, k.InventoryBack, k.KeyEditor, k.ContextEditor, k.ExportHAR, k.ExportJSON, k.Report, k.Help, k.Quit, k.Interrupt},
		{k.Rules, k.Block, k.Mute, k.Patch},
	}
}

// setEnabled turns the session-finding keys on only where they act: the
// sessions list. Export needs an exporter and a session. The MCP key says
// where it leads: to the MCP tab, or back to all sessions.
func (k *KeyMap) setEnabled(list, session, export, keys, mcp bool) {
	k.MCPTab.SetHelp("M", "MCP sessions")
	if mcp {
		k.MCPTab.SetHelp("M", "all sessions")
	}
	for _, b := range []*key.Binding{&k.Search, &k.Filter, &k.ToggleFilter, &k.MCPTab, &k.Range15m, &k.Range1h, &k.Range24h, &k.RangeAll} {
		b.SetEnabled(list)
	}
	k.ExportHAR.SetEnabled(session && export)
	k.ExportJSON.SetEnabled(session && export)
	k.KeyEditor.SetEnabled(keys)
	k.ContextEditor.SetEnabled(keys)
}

// helpKeys joins the focused component's keys with the global ones, so the
// help line always describes exactly the keys that work right now.
type helpKeys struct {
	local  help.KeyMap
	global help.KeyMap
}

func (h helpKeys) ShortHelp() []key.Binding {
	return append(h.local.ShortHelp(), h.global.ShortHelp()...)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	return append(h.local.FullHelp(), h.global.FullHelp()...)
}

// setInventory enables I on the sessions list, and esc there while it
// lists the sessions an endpoint's enter asked for.
func (k *KeyMap) setInventory(list, drilled bool) {
	k.Inventory.SetEnabled(list)
	k.InventoryBack.SetEnabled(drilled)
}
