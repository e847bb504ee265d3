package listeditor

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/specinput"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// CloseMsg asks the root to leave the editor on display.
type CloseMsg struct{}

// Event tells the editor what a key did to the list.
type Event int

const (
	// Ignored means the key is not the list's: the editor's own keys
	// take it.
	Ignored Event = iota
	// Handled means the list used the key without changing an entry:
	// movement, typing, a note, a confirmation, closing.
	Handled
	// Edited means the entries changed: the editor rebuilds its rows.
	Edited
)

// Config is what an editor tells the list once, in New: T is an entry the
// user configures, R a row on display (entries first, then fixed rows).
type Config[T, R any] struct {
	Keys KeyMap
	// Prompt and Placeholder are the spec input's.
	Prompt, Placeholder string
	// Parse makes an entry of a typed spec, or says why it cannot be one.
	// It gets the current entries so that it can refuse a duplicate.
	Parse func(entries []T, spec string) (T, error)
	// Columns and Cells draw the rows.
	Columns []table.Column
	Cells   func(th theme.Theme, row R) []table.Cell
	// Loading is shown while the entries are read.
	Loading string
	// Fixed says why a fixed row cannot be removed or moved, when the
	// user tries and Refuse says nothing more precise.
	Fixed string
	// Refuse, when set, says why the fixed row cannot take the action;
	// "" falls back to Fixed.
	Refuse func(row R, a Action) string
	// Last says why the last entry cannot move down when fixed rows
	// follow it (they always come after the entries).
	Last string
	// ConfirmClose, when set, is asked once before Close drops unsaved
	// edits.
	ConfirmClose string
}

// Action is an edit a key asks of the row under the cursor.
type Action int

// The edits a fixed row may refuse.
const (
	MoveUp Action = iota
	MoveDown
	Delete
)

// Model is the list of one editor. The zero value is not ready: use New.
type Model[T, R any] struct {
	cfg Config[T, R]
	// ordered remembers whether the editor lets entries move, since the
	// move keys are also disabled until the entries are loaded.
	ordered bool
	theme   theme.Theme
	entries []T
	rows    []R
	cursor  int
	input   specinput.Model
	loaded  bool
	// dirty says there are edits the editor has not saved; confirm says
	// Close was pressed once with them.
	dirty, confirm bool
	// busy says the editor is saving or applying the entries: no key
	// changes anything until it finishes.
	busy bool
	// note explains the last key (why a fixed row cannot be removed,
	// what changed); the next key clears it.
	note          string
	err           error
	width, height int
}

// New returns an empty list that is not loaded yet.
func New[T, R any](th theme.Theme, cfg Config[T, R]) Model[T, R] {
	m := Model[T, R]{cfg: cfg, ordered: cfg.Keys.MoveUp.Enabled(), theme: th, input: specinput.New(cfg.Prompt, cfg.Placeholder)}
	m.syncKeys()
	return m
}

// SetTheme switches styles.
func (m *Model[T, R]) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area; the input takes what its prompt leaves.
func (m *Model[T, R]) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(w)
}

// Typing reports whether the spec input has the keyboard, so that the
// root lets it have q and ?.
func (m Model[T, R]) Typing() bool { return m.input.Active() }

// Open forgets the last visit and waits for Load; points are completions
// for a new entry until SetSuggestions brings better ones.
func (m *Model[T, R]) Open(points []string) {
	s := make([]specinput.Suggestion, len(points))
	for i, p := range points {
		s[i] = specinput.Suggestion{Text: p}
	}
	m.input.SetSuggestions(s)
	m.input.Stop()
	m.loaded, m.err, m.dirty, m.confirm, m.note = false, nil, false, false, ""
	m.syncKeys()
}

// SetSuggestions sets the completions for a new entry, with how often
// each was seen.
func (m *Model[T, R]) SetSuggestions(s []specinput.Suggestion) { m.input.SetSuggestions(s) }

// Suggestions returns the completions for a new entry.
func (m Model[T, R]) Suggestions() []string { return m.input.Suggestions() }

// Load sets the entries the editor read, or the error that kept it from
// reading them.
func (m *Model[T, R]) Load(entries []T, err error) {
	m.entries, m.err, m.loaded = entries, err, err == nil
	m.syncKeys()
}

// Loaded reports whether the entries were read; until then nothing can be
// edited.
func (m Model[T, R]) Loaded() bool { return m.loaded }

// Entries returns a copy of the edited entries.
func (m Model[T, R]) Entries() []T { return slices.Clone(m.entries) }

// SetRows sets the rows on display after the entries or the editor's
// settings changed.
func (m *Model[T, R]) SetRows(rows []R) {
	m.rows = rows
	m.cursor = min(m.cursor, max(len(rows)-1, 0))
}

// Rows returns a copy of the rows on display.
func (m Model[T, R]) Rows() []R { return slices.Clone(m.rows) }

// Current returns the row under the cursor; ok is false without rows.
func (m Model[T, R]) Current() (row R, ok bool) {
	if m.cursor >= len(m.rows) {
		return row, false
	}
	return m.rows[m.cursor], true
}

// Selected returns the entry under the cursor; ok is false on a fixed row.
func (m Model[T, R]) Selected() (entry T, ok bool) {
	if m.cursor >= len(m.entries) {
		return entry, false
	}
	return m.entries[m.cursor], true
}

// SetSelected replaces the entry under the cursor, as the editor's own
// keys do; on a fixed row it does nothing.
func (m *Model[T, R]) SetSelected(entry T) {
	if m.cursor < len(m.entries) {
		m.entries = slices.Clone(m.entries)
		m.entries[m.cursor] = entry
		m.dirty = true
	}
}

// MarkEdited records an edit of the editor's own settings.
func (m *Model[T, R]) MarkEdited() { m.dirty = true }

// Begin records that the editor started saving or applying the entries;
// keys do nothing until Finish.
func (m *Model[T, R]) Begin() {
	m.busy, m.err = true, nil
	m.syncKeys()
}

// Finish ends what Begin started: err is shown, and without one the edits
// count as saved. It reports whether they were.
func (m *Model[T, R]) Finish(err error) bool {
	m.busy, m.err = false, err
	m.syncKeys()
	if err != nil {
		return false
	}
	m.dirty, m.confirm = false, false
	return true
}

// Busy reports whether a save or an apply runs.
func (m Model[T, R]) Busy() bool { return m.busy }

// Dirty reports whether there are unsaved edits.
func (m Model[T, R]) Dirty() bool { return m.dirty }

// SetNote explains the last key until the next one.
func (m *Model[T, R]) SetNote(note string) { m.note = note }

// SetErr shows err, or clears the error line when nil.
func (m *Model[T, R]) SetErr(err error) { m.err = err }

// syncKeys enables the edit keys once there are entries to edit, and no
// key at all while a save or an apply runs.
func (m *Model[T, R]) syncKeys() {
	k := &m.cfg.Keys
	edit := m.editable()
	k.Add.SetEnabled(edit)
	k.Delete.SetEnabled(edit)
	k.MoveUp.SetEnabled(edit && m.ordered)
	k.MoveDown.SetEnabled(edit && m.ordered)
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(!m.busy)
	}
	k.Close.SetEnabled(!m.busy)
}

// editable reports whether keys may change the entries or the editor's
// settings: Update leaves the editor its own keys only then.
func (m Model[T, R]) editable() bool { return m.loaded && !m.busy }

// Update handles a key: the input's while it is active, else the list's,
// and says what it did. It leaves the editor a key of its own (Ignored)
// only once the entries are loaded and while nothing is being saved.
func (m Model[T, R]) Update(msg tea.Msg) (Model[T, R], tea.Cmd, Event) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil, Ignored
	}
	if m.busy {
		return m, nil, Handled
	}
	if m.input.Active() {
		return m.updateInput(k)
	}
	keys := m.cfg.Keys
	m.note = ""
	if !key.Matches(k, keys.Close) {
		m.confirm = false
	}
	switch {
	case key.Matches(k, keys.Close):
		if m.dirty && m.cfg.ConfirmClose != "" && !m.confirm {
			m.confirm = true
			return m, nil, Handled
		}
		return m, func() tea.Msg { return CloseMsg{} }, Handled
	case key.Matches(k, keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, keys.Down):
		m.cursor = min(m.cursor+1, max(len(m.rows)-1, 0))
	case key.Matches(k, keys.PageUp):
		m.cursor = max(m.cursor-m.page(), 0)
	case key.Matches(k, keys.PageDown):
		m.cursor = min(m.cursor+m.page(), max(len(m.rows)-1, 0))
	case key.Matches(k, keys.Home):
		m.cursor = 0
	case key.Matches(k, keys.End):
		m.cursor = max(len(m.rows)-1, 0)
	case key.Matches(k, keys.Add):
		return m, m.input.Start(), Handled
	case key.Matches(k, keys.Delete):
		ev := m.edit(Delete, func() { m.entries = slices.Delete(slices.Clone(m.entries), m.cursor, m.cursor+1) })
		return m, nil, ev
	case key.Matches(k, keys.MoveUp):
		if m.cursor == 0 && len(m.entries) > 0 {
			m.note = "already first"
			return m, nil, Handled
		}
		ev := m.edit(MoveUp, func() { m.swap(m.cursor - 1) })
		return m, nil, ev
	case key.Matches(k, keys.MoveDown):
		if m.cursor == len(m.entries)-1 {
			m.note = "already last"
			if len(m.rows) > len(m.entries) && m.cfg.Last != "" {
				m.note = m.cfg.Last
			}
			return m, nil, Handled
		}
		ev := m.edit(MoveDown, func() { m.swap(m.cursor + 1) })
		return m, nil, ev
	case m.editable():
		return m, nil, Ignored
	}
	return m, nil, Handled
}

// page is how far pgup and pgdown move: the rows a frame shows, less
// the title, the header and a footer of two lines.
func (m Model[T, R]) page() int { return max(m.height-4, 1) }

// edit applies change to the entry under the cursor, or explains why a
// fixed row cannot take the action.
func (m *Model[T, R]) edit(a Action, change func()) Event {
	if m.cursor >= len(m.entries) {
		m.note = m.cfg.Fixed
		if m.cfg.Refuse != nil && m.cursor < len(m.rows) {
			if why := m.cfg.Refuse(m.rows[m.cursor], a); why != "" {
				m.note = why
			}
		}
		return Handled
	}
	change()
	m.dirty = true
	return Edited
}

// swap exchanges the entry under the cursor with the one at i, and the
// cursor follows it. The entries are copied first: a Model is a value,
// and an older copy of it must not see the swap.
func (m *Model[T, R]) swap(i int) {
	m.entries = slices.Clone(m.entries)
	m.entries[i], m.entries[m.cursor] = m.entries[m.cursor], m.entries[i]
	m.cursor = i
}

// updateInput edits a new spec; accepting it adds the entry after the
// cursor once Parse takes it.
func (m Model[T, R]) updateInput(k tea.KeyPressMsg) (Model[T, R], tea.Cmd, Event) {
	var entry T
	parse := func(spec string) error {
		var err error
		entry, err = m.cfg.Parse(m.entries, spec)
		return err
	}
	in, cmd, _, ok := m.input.Update(k, specinput.Keys{Accept: m.cfg.Keys.Accept, Cancel: m.cfg.Keys.Cancel}, parse)
	m.input = in
	if !ok {
		return m, cmd, Handled
	}
	at := min(m.cursor+1, len(m.entries))
	m.entries = slices.Insert(slices.Clone(m.entries), at, entry)
	m.cursor = at
	m.dirty = true
	return m, cmd, Edited
}

// ShortHelp is the input's keys while typing, else the list's with the
// editor's own before Close.
func (m Model[T, R]) ShortHelp(own ...key.Binding) []key.Binding {
	k := m.cfg.Keys
	if m.input.Active() {
		return []key.Binding{k.Accept, k.Complete, k.Cancel}
	}
	return slices.Concat([]key.Binding{k.MoveUp, k.MoveDown, k.Add, k.Delete}, m.own(own), []key.Binding{k.Close})
}

// FullHelp is movement in one column and editing (moving an entry,
// adding, removing), the editor's own keys and Close in the next.
func (m Model[T, R]) FullHelp(own ...key.Binding) [][]key.Binding {
	k := m.cfg.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		slices.Concat([]key.Binding{k.MoveUp, k.MoveDown, k.Add, k.Delete}, m.own(own), []key.Binding{k.Close}),
	}
}

// own returns the editor's bindings for help, disabled when Update would
// not leave them to the editor, so that help offers no key that does
// nothing.
func (m Model[T, R]) own(bindings []key.Binding) []key.Binding {
	out := slices.Clone(bindings)
	if !m.editable() {
		for i := range out {
			out[i].SetEnabled(false)
		}
	}
	return out
}
