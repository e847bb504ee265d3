package keyeditor

import (
	"context"
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/listeditor"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// AppliedMsg says a regroup finished; the root reloads the sessions.
type AppliedMsg struct{}

// loadedMsg carries the keys read from the backend.
type loadedMsg struct {
	configured []string
	builtin    bool
	err        error
}

// previewMsg carries a preview; gen drops a preview of keys edited since.
type previewMsg struct {
	preview Preview
	gen     uint64
	err     error
}

// progressMsg reports regroup progress; done closes the channel.
type progressMsg struct {
	done, total int
	ch          <-chan tea.Msg
}

// pointsMsg carries the points the stored traffic carries, for
// completion; an error leaves the completions the editor opened with.
type pointsMsg struct {
	points []engine.SeenPoint
	err    error
}

// appliedMsg ends a regroup.
type appliedMsg struct{ err error }

// Model is the grouping-key editor: a list of the configured keys, then
// the built-in ones it describes.
type Model struct {
	keys    KeyMap
	theme   theme.Theme
	backend Backend
	list    listeditor.Model[string, engine.KeyInfo]
	builtin bool
	// gen counts edits: a preview is only shown for the keys it was
	// computed for.
	gen        uint64
	preview    *Preview
	previewing bool
	done       int
	total      int
	bar        progress.Model
	width      int
}

// New returns an editor over backend, which may be nil (the root then
// never opens it).
func New(th theme.Theme, backend Backend) Model {
	keys := DefaultKeyMap()
	m := Model{keys: keys, theme: th, backend: backend}
	m.list = listeditor.New(th, listeditor.Config[string, engine.KeyInfo]{
		Keys:        keys.List,
		Prompt:      "new key: ",
		Placeholder: "req.header.X-Session-Id",
		Parse:       parseKey,
		Columns:     columns(),
		Cells:       cells,
		Loading:     "loading keys…",
		Fixed:       "a built-in key cannot be moved or deleted; b turns the built-ins off",
		Refuse:      refuse,
		Last:        "already the last of your keys: the built-in and fallback keys always follow them",
	})
	// Full and empty cells differ by glyph, so the bar reads without
	// colour; it is drawn at the reported fraction (ViewAs), without the
	// spring animation's timer.
	m.bar = progress.New(progress.WithFillCharacters('█', '░'))
	m.SetTheme(th)
	return m
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.list.SetTheme(th)
	p := theme.NewPalette(th.Dark)
	m.bar.FullColor, m.bar.EmptyColor = p.Accent, p.Muted
	if th.Plain {
		m.bar.FullColor, m.bar.EmptyColor = lipgloss.NoColor{}, lipgloss.NoColor{}
	}
	m.bar.PercentageStyle = th.Muted
}

// SetSize sets the area.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.list.SetSize(w, h)
}

// Typing reports whether the new-key input has the keyboard, so that the
// root lets it have q and ?.
func (m Model) Typing() bool { return m.list.Typing() }

// Dirty reports whether the editor holds edits not applied yet.
func (m Model) Dirty() bool { return m.list.Dirty() }

// Open reads the keys, then (loadPoints) the points of the stored
// traffic; points are completions for a new key until those arrive.
func (m *Model) Open(points []string) tea.Cmd {
	m.list.Open(points)
	m.preview = nil
	b := m.backend
	return func() tea.Msg {
		c, bi, err := b.Keys()
		return loadedMsg{configured: c, builtin: bi, err: err}
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

// Current returns the effective key under the cursor.
func (m Model) Current() (engine.KeyInfo, bool) { return m.list.Current() }

// Suggestions returns the completions a new key is offered.
func (m Model) Suggestions() []string { return m.list.Suggestions() }

// Configured returns the edited key list and the built-in switch.
func (m Model) Configured() ([]string, bool) { return m.list.Entries(), m.builtin }

// Update handles backend results and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.list.Load(msg.configured, msg.err)
		m.builtin = msg.builtin
		m.describe()
		return m, m.loadPoints()
	case pointsMsg:
		if msg.err == nil && len(msg.points) > 0 {
			m.list.SetSuggestions(listeditor.Suggestions(msg.points, m.list.Suggestions()))
		}
	case previewMsg:
		if msg.gen == m.gen {
			m.previewing = false
			m.list.SetErr(msg.err)
			if msg.err == nil {
				p := msg.preview
				m.preview = &p
			}
		}
	case progressMsg:
		m.done, m.total = msg.done, msg.total
		return m, wait(msg.ch)
	case appliedMsg:
		if m.list.Finish(msg.err) {
			m.preview = nil
			return m, func() tea.Msg { return AppliedMsg{} }
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
	switch {
	case ev == listeditor.Edited:
		m.edited()
	case ev != listeditor.Ignored:
	case key.Matches(k, m.keys.Builtin):
		m.builtin = !m.builtin
		m.edited()
	case key.Matches(k, m.keys.Preview):
		return m, m.runPreview()
	case key.Matches(k, m.keys.Apply):
		return m, m.runApply()
	}
	return m, cmd
}

// parseKey accepts a key engine.ParseKey reads that is not in the list
// already.
func parseKey(configured []string, spec string) (string, error) {
	if _, err := engine.ParseKey(spec, engine.OriginConfig); err != nil {
		return "", err
	}
	if slices.ContainsFunc(configured, func(s string) bool { return strings.EqualFold(s, spec) }) {
		return "", errors.New(spec + " is already in the list")
	}
	return spec, nil
}

// refuse says why a built-in or fallback key cannot take an action: the
// effective list is the user's keys, then the built-in set, then the
// fallbacks, and only the user's keys have an order of their own.
func refuse(k engine.KeyInfo, a listeditor.Action) string {
	name := table.Sanitize(k.Key)
	switch {
	case k.Origin == engine.OriginFallback && a == listeditor.Delete:
		return "a fallback key cannot be removed: it groups the requests no key above identifies"
	case k.Origin == engine.OriginFallback:
		return "the fallback keys always come last: they apply when no key above has a value"
	case a == listeditor.Delete:
		return "a built-in key cannot be removed alone; b turns all built-ins off (then a adds back the ones you want)"
	}
	return "built-in keys keep their order after your keys; to try " + name + " sooner, add it as your own key (a)"
}

// edited rebuilds the effective list and forgets a preview of old keys.
func (m *Model) edited() {
	m.list.MarkEdited()
	m.gen++
	m.preview = nil
	m.previewing = false
	m.describe()
}

// describe lists the effective keys: the configured ones, then the
// built-ins when they are on, then the fallbacks.
func (m *Model) describe() {
	list, err := engine.NewKeyList(m.list.Entries(), m.builtin)
	if err != nil {
		m.list.SetErr(err)
		return
	}
	m.list.SetRows(list.Describe())
}

func (m *Model) runPreview() tea.Cmd {
	m.previewing = true
	b, c, bi, gen := m.backend, m.list.Entries(), m.builtin, m.gen
	return func() tea.Msg {
		p, err := b.Preview(c, bi)
		return previewMsg{preview: p, gen: gen, err: err}
	}
}

// runApply starts the regroup in a goroutine that reports progress on a
// channel; wait re-arms itself for each message until the result comes.
func (m *Model) runApply() tea.Cmd {
	m.done, m.total = 0, 0
	m.list.Begin()
	b, c, bi := m.backend, m.list.Entries(), m.builtin
	ch := make(chan tea.Msg, 1)
	go func() {
		var last progressMsg
		err := b.Apply(context.Background(), c, bi, func(done, total int) {
			last = progressMsg{done: done, total: total, ch: ch}
			select {
			case ch <- last:
			default: // the UI has not taken the previous one; skip
			}
		})
		ch <- appliedMsg{err: err}
		close(ch)
	}()
	return wait(ch)
}

// wait delivers the next message from a regroup in progress.
func wait(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	return m.list.ShortHelp(m.keys.Preview, m.keys.Apply)
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	return m.list.FullHelp(m.keys.Builtin, m.keys.Preview, m.keys.Apply)
}
