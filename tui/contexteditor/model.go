package contexteditor

import (
	"errors"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/specinput"
	"github.com/spoorhq/spoor/tui/theme"
)

// CloseMsg asks the root to leave the editor.
type CloseMsg struct{}

// SavedMsg says the parameters were saved; the root shows a notice.
type SavedMsg struct{}

// loadedMsg carries the parameters read from the backend.
type loadedMsg struct {
	params      []engine.ContextParam
	hashSecrets bool
	err         error
}

// savedMsg ends a save.
type savedMsg struct{ err error }

// Model is the context-parameter editor.
type Model struct {
	keys        KeyMap
	theme       theme.Theme
	backend     Backend
	params      []engine.ContextParam
	hashSecrets bool
	loaded      bool
	rows        []Row
	cursor      int
	input       specinput.Model
	// note is a one-off explanation of the last key (why a default row
	// cannot be removed, what changed); the next key clears it.
	note string
	// dirty says there are edits to save; leaving with them asks first.
	dirty, confirmClose bool
	saving, saved       bool
	err                 error
	width, height       int
}

// New returns an editor over backend, which may be nil (the root then
// never opens it).
func New(th theme.Theme, backend Backend) Model {
	in := specinput.New("new point: ", "req.json.username")
	return Model{keys: DefaultKeyMap(), theme: th, backend: backend, input: in}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) { m.theme = th }

// SetSize sets the area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(w - 14)
}

// Typing reports whether the new-point input has the keyboard, so that
// the root lets it have q and ?.
func (m Model) Typing() bool { return m.input.Active() }

// Open reads the parameters; points are completions for a new one.
func (m *Model) Open(points []string) tea.Cmd {
	m.input.SetSuggestions(points)
	m.input.Stop()
	m.loaded, m.err, m.dirty, m.confirmClose, m.saved, m.note = false, nil, false, false, false, ""
	b := m.backend
	return func() tea.Msg {
		p, h, err := b.Context()
		return loadedMsg{params: p, hashSecrets: h, err: err}
	}
}

// Params returns the edited parameters and the credential policy.
func (m Model) Params() ([]engine.ContextParam, bool) { return slices.Clone(m.params), m.hashSecrets }

// Rows returns the effective rows on display.
func (m Model) Rows() []Row { return slices.Clone(m.rows) }

// Update handles backend results and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.err = msg.err
		m.params, m.hashSecrets, m.loaded = msg.params, msg.hashSecrets, msg.err == nil
		m.rows = describe(m.params, m.hashSecrets)
		m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
	case savedMsg:
		m.saving = false
		m.err = msg.err
		if msg.err == nil {
			m.dirty, m.saved = false, true
			return m, func() tea.Msg { return SavedMsg{} }
		}
	case tea.KeyPressMsg:
		if m.input.Active() {
			return m.updateInput(msg)
		}
		return m.handleKey(msg)
	}
	return m, nil
}

func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.saving {
		return m, nil
	}
	m.note = ""
	if !key.Matches(k, m.keys.Close) {
		m.confirmClose = false
	}
	switch {
	case key.Matches(k, m.keys.Close):
		if m.dirty && !m.confirmClose {
			m.confirmClose = true
			return m, nil
		}
		return m, func() tea.Msg { return CloseMsg{} }
	case key.Matches(k, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.keys.Down):
		m.cursor = min(m.cursor+1, max(len(m.rows)-1, 0))
	case !m.loaded:
	case key.Matches(k, m.keys.Add):
		return m, m.input.Start()
	case key.Matches(k, m.keys.Delete):
		if m.cursor >= len(m.params) {
			m.note = "a default row cannot be removed; h keeps credentials in the clear instead"
			return m, nil
		}
		m.params = slices.Delete(m.params, m.cursor, m.cursor+1)
		m.edited()
	case key.Matches(k, m.keys.Type):
		if m.cursor >= len(m.params) {
			m.note = "a credential has no type; add its point (a) to show it with each request"
			return m, nil
		}
		m.params[m.cursor].Type = nextType(m.params[m.cursor].Type)
		m.edited()
	case key.Matches(k, m.keys.Hash):
		if m.cursor >= len(m.params) {
			m.hashSecrets = !m.hashSecrets
			m.note = "credentials are one setting (secrets): every default row changed"
		} else {
			m.params[m.cursor].Hash = !m.params[m.cursor].Hash
		}
		m.edited()
	case key.Matches(k, m.keys.Save):
		return m, m.save()
	}
	return m, nil
}

// updateInput edits a new point; enter adds it after the cursor once
// checkPoint passes.
func (m Model) updateInput(k tea.KeyPressMsg) (Model, tea.Cmd) {
	in, cmd, spec, ok := m.input.Update(k, specinput.Keys{Accept: m.keys.Accept, Cancel: m.keys.Cancel}, m.checkPoint)
	m.input = in
	if ok {
		at := min(m.cursor+1, len(m.params))
		m.params = slices.Insert(m.params, at, engine.ContextParam{Point: spec})
		m.cursor = at
		m.edited()
	}
	return m, cmd
}

// checkPoint accepts a point engine.ParsePoint reads that is not a
// parameter already.
func (m Model) checkPoint(spec string) error {
	p, err := engine.ParsePoint(spec)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(m.params, func(cp engine.ContextParam) bool { return samePoint(cp.Point, p) }) {
		return errors.New(spec + " is already a context parameter")
	}
	return nil
}

// samePoint compares points as the engine does, so that header names
// differing only in case are one point.
func samePoint(spec string, p engine.Point) bool {
	q, err := engine.ParsePoint(spec)
	return err == nil && q.String() == p.String()
}

// edited rebuilds the rows after a change.
func (m *Model) edited() {
	m.dirty, m.saved = true, false
	m.rows = describe(m.params, m.hashSecrets)
	m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
}

func (m *Model) save() tea.Cmd {
	if !m.dirty {
		m.note = "nothing to save"
		return nil
	}
	m.saving, m.err = true, nil
	b, p, h := m.backend, slices.Clone(m.params), m.hashSecrets
	return func() tea.Msg { return savedMsg{err: b.Save(p, h)} }
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	if m.input.Active() {
		return []key.Binding{m.keys.Accept, m.keys.Complete, m.keys.Cancel}
	}
	return []key.Binding{m.keys.Add, m.keys.Delete, m.keys.Type, m.keys.Hash, m.keys.Save, m.keys.Close}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down},
		{m.keys.Add, m.keys.Delete, m.keys.Type, m.keys.Hash, m.keys.Save, m.keys.Close},
	}
}
