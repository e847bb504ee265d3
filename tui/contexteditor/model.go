package contexteditor

import (
	"errors"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/listeditor"
	"github.com/spoorhq/spoor/tui/theme"
)

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

// Model is the context-parameter editor: a list of the configured
// parameters, then the credentials hashed by default.
type Model struct {
	keys        KeyMap
	theme       theme.Theme
	backend     Backend
	list        listeditor.Model[engine.ContextParam, Row]
	hashSecrets bool
	saved       bool
}

// New returns an editor over backend, which may be nil (the root then
// never opens it).
func New(th theme.Theme, backend Backend) Model {
	keys := DefaultKeyMap()
	return Model{keys: keys, theme: th, backend: backend, list: listeditor.New(th, listeditor.Config[engine.ContextParam, Row]{
		Keys:         keys.List,
		Prompt:       "new point: ",
		Placeholder:  "req.json.username",
		Parse:        parsePoint,
		Columns:      columns(),
		Cells:        cells,
		Loading:      "loading context parameters…",
		Fixed:        "a default row cannot be removed; h keeps credentials in the clear instead",
		ConfirmClose: "unsaved changes: s saves them, esc again leaves without saving",
	})}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.list.SetTheme(th)
}

// SetSize sets the area.
func (m *Model) SetSize(w, h int) { m.list.SetSize(w, h) }

// Typing reports whether the new-point input has the keyboard, so that
// the root lets it have q and ?.
func (m Model) Typing() bool { return m.list.Typing() }

// Open reads the parameters; points are completions for a new one.
func (m *Model) Open(points []string) tea.Cmd {
	m.list.Open(points)
	m.saved = false
	b := m.backend
	return func() tea.Msg {
		p, h, err := b.Context()
		return loadedMsg{params: p, hashSecrets: h, err: err}
	}
}

// Params returns the edited parameters and the credential policy.
func (m Model) Params() ([]engine.ContextParam, bool) { return m.list.Entries(), m.hashSecrets }

// Rows returns the effective rows on display.
func (m Model) Rows() []Row { return m.list.Rows() }

// Update handles backend results and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.list.Load(msg.params, msg.err)
		m.hashSecrets = msg.hashSecrets
		m.describe()
	case savedMsg:
		if m.list.Finish(msg.err) {
			m.saved = true
			return m, func() tea.Msg { return SavedMsg{} }
		}
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

// handleKey gives the list the first look, then takes the editor's own
// keys.
func (m Model) handleKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	var ev listeditor.Event
	m.list, cmd, ev = m.list.Update(k)
	p, configured := m.list.Selected()
	switch {
	case ev == listeditor.Edited:
		m.edited()
	case ev != listeditor.Ignored:
	case key.Matches(k, m.keys.Type):
		if !configured {
			m.list.SetNote("a credential has no type; add its point (a) to show it with each request")
			return m, nil
		}
		p.Type = nextType(p.Type)
		m.list.SetSelected(p)
		m.edited()
	case key.Matches(k, m.keys.Hash):
		if configured {
			p.Hash = !p.Hash
			m.list.SetSelected(p)
		} else {
			m.hashSecrets = !m.hashSecrets
			m.list.SetNote("credentials are one setting (secrets): every default row changed")
		}
		m.edited()
	case key.Matches(k, m.keys.Save):
		return m, m.save()
	}
	return m, cmd
}

// parsePoint accepts a point engine.ParsePoint reads that is not a
// parameter already.
func parsePoint(params []engine.ContextParam, spec string) (engine.ContextParam, error) {
	p, err := engine.ParsePoint(spec)
	if err != nil {
		return engine.ContextParam{}, err
	}
	if slices.ContainsFunc(params, func(cp engine.ContextParam) bool { return samePoint(cp.Point, p) }) {
		return engine.ContextParam{}, errors.New(spec + " is already a context parameter")
	}
	return engine.ContextParam{Point: spec}, nil
}

// samePoint compares points as the engine does, so that header names
// differing only in case are one point.
func samePoint(spec string, p engine.Point) bool {
	q, err := engine.ParsePoint(spec)
	return err == nil && q.String() == p.String()
}

// edited rebuilds the rows after a change.
func (m *Model) edited() {
	m.list.MarkEdited()
	m.saved = false
	m.describe()
}

func (m *Model) describe() {
	m.list.SetRows(describe(m.list.Entries(), m.hashSecrets))
}

func (m *Model) save() tea.Cmd {
	if !m.list.Dirty() {
		m.list.SetNote("nothing to save")
		return nil
	}
	m.list.Begin()
	b, p, h := m.backend, m.list.Entries(), m.hashSecrets
	return func() tea.Msg { return savedMsg{err: b.Save(p, h)} }
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	return m.list.ShortHelp(m.keys.Type, m.keys.Hash, m.keys.Save)
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	return m.list.FullHelp(m.keys.Type, m.keys.Hash, m.keys.Save)
}
