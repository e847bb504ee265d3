package contexteditor

import (
	"errors"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/listeditor"
	"github.com/spoorhq/spoor/tui/table"
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

// pointsMsg carries the points the stored traffic carries, for
// completion.
type pointsMsg struct {
	points []engine.SeenPoint
	err    error
}

// question is hashing about to be turned off, waiting for y: for the
// credentials (secrets) or for the configured parameter point.
type question struct {
	secrets bool
	point   string
}

// Model is the context-parameter editor: a list of the configured
// parameters, then the credentials hashed by default.
type Model struct {
	keys        KeyMap
	theme       theme.Theme
	backend     Backend
	list        listeditor.Model[engine.ContextParam, Row]
	hashSecrets bool
	saved       bool
	// asking is set while turning hashing off waits for an answer.
	asking *question
	width  int
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
		Fixed:        "a credential row cannot be removed; h stores the credentials in the clear instead (it asks first)",
		Refuse:       refuse,
		ConfirmClose: "unsaved changes: s saves them, esc again leaves without saving",
	})}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.list.SetTheme(th)
}

// SetSize sets the area.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.list.SetSize(w, h)
}

// Typing reports whether the new-point input or the question before
// hashing is turned off has the keyboard, so that the root lets it have
// q and ?.
func (m Model) Typing() bool { return m.list.Typing() || m.asking != nil }

// Dirty reports whether the editor holds edits not saved yet.
func (m Model) Dirty() bool { return m.list.Dirty() }

// Asking reports whether turning hashing off waits for confirmation.
func (m Model) Asking() bool { return m.asking != nil }

// Current returns the row under the cursor.
func (m Model) Current() (Row, bool) { return m.list.Current() }

// Suggestions returns the completions a new parameter is offered.
func (m Model) Suggestions() []string { return m.list.Suggestions() }

// Open reads the parameters, then (loadPoints) the points of the stored
// traffic; points are completions for a new one until those arrive.
func (m *Model) Open(points []string) tea.Cmd {
	m.list.Open(points)
	m.saved, m.asking = false, nil
	b := m.backend
	return func() tea.Msg {
		p, h, err := b.Context()
		return loadedMsg{params: p, hashSecrets: h, err: err}
	}
}

// loadPoints reads the points of the stored traffic for completion. It
// runs once the entries are loaded, so that it never delays them: a key
// pressed before the load would find nothing to edit.
func (m Model) loadPoints() tea.Cmd {
	b := m.backend
	return func() tea.Msg {
		p, err := b.Points()
		return pointsMsg{points: p, err: err}
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
		return m, m.loadPoints()
	case pointsMsg:
		if msg.err == nil && len(msg.points) > 0 {
			m.list.SetSuggestions(listeditor.Suggestions(msg.points, m.list.Suggestions()))
		}
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
	if m.asking != nil {
		return m.answer(k), nil
	}
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
	case key.Matches(k, m.keys.Order):
		m.list.SetNote("context parameters have no order: each is shown with every request")
	case key.Matches(k, m.keys.Hash):
		switch {
		case configured && p.Hash:
			m.ask(&question{point: p.Point})
			return m, nil
		case configured:
			p.Hash = true
			m.list.SetSelected(p)
		case m.hashSecrets:
			m.ask(&question{secrets: true})
			return m, nil
		default:
			m.hashSecrets = true
			m.list.SetNote("credentials are one setting (secrets: in the configuration): the four rows are hashed again from the next save")
		}
		m.edited()
	case key.Matches(k, m.keys.Save):
		return m, m.save()
	}
	return m, cmd
}

// refuse says why a credential row cannot be removed: the four are one
// setting, which h turns, whichever way it is.
func refuse(r Row, _ listeditor.Action) string {
	if r.Hash {
		return "a credential row cannot be removed; h stores the credentials in the clear instead (it asks first)"
	}
	return "a credential row cannot be removed; the credentials are stored in the clear (secrets: clear), h hashes them again"
}

// ask puts the question before hashing is turned off, and marks the rows
// that would change.
func (m *Model) ask(q *question) {
	m.asking = q
	m.describe()
}

// answer takes the reply to the question: y turns hashing off (from the
// next save), any other key keeps it on.
func (m Model) answer(k tea.KeyPressMsg) Model {
	q := m.asking
	m.asking = nil
	if !key.Matches(k, m.keys.Confirm) {
		m.describe()
		m.list.SetNote("kept hashed: nothing changed")
		return m
	}
	if q.secrets {
		m.hashSecrets = false
		m.list.SetNote("credentials will be stored in the clear once saved (s); stored requests stay hashed")
	} else if p, ok := m.list.Selected(); ok {
		p.Hash = false
		m.list.SetSelected(p)
		m.list.SetNote(table.Sanitize(p.Point) + " will be stored in the clear once saved (s); stored requests keep its hash")
	}
	m.edited()
	return m
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
	rows := describe(m.list.Entries(), m.hashSecrets)
	if q := m.asking; q != nil {
		for i := range rows {
			r := &rows[i]
			r.Pending = r.Hash && ((q.secrets && r.Origin == OriginDefault) || (!q.secrets && r.Origin == OriginConfig && r.Point == q.point))
		}
	}
	m.list.SetRows(rows)
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

// ShortHelp implements help.KeyMap: while a question waits, its answers.
func (m Model) ShortHelp() []key.Binding {
	if m.asking != nil {
		return []key.Binding{m.keys.Confirm, m.keys.Keep}
	}
	return m.list.ShortHelp(m.keys.Type, m.keys.Hash, m.keys.Save)
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	if m.asking != nil {
		return [][]key.Binding{{m.keys.Confirm, m.keys.Keep}}
	}
	return m.list.FullHelp(m.keys.Type, m.keys.Hash, m.keys.Save)
}
