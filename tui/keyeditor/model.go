package keyeditor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/specinput"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// CloseMsg asks the root to leave the editor.
type CloseMsg struct{}

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

// appliedMsg ends a regroup.
type appliedMsg struct{ err error }

// Model is the grouping-key editor.
type Model struct {
	keys       KeyMap
	theme      theme.Theme
	backend    Backend
	configured []string
	builtin    bool
	loaded     bool
	rows       []engine.KeyInfo
	cursor     int
	input      specinput.Model
	points     []string
	// gen counts edits: a preview is only shown for the keys it was
	// computed for.
	gen        uint64
	preview    *Preview
	previewing bool
	applying   bool
	done       int
	total      int
	bar        progress.Model
	err        error
	width      int
	height     int
}

// New returns an editor over backend, which may be nil (the root then
// never opens it).
func New(th theme.Theme, backend Backend) Model {
	in := specinput.New("new key: ", "req.header.X-Session-Id")
	m := Model{keys: DefaultKeyMap(), theme: th, backend: backend, input: in}
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
	p := theme.NewPalette(th.Dark)
	m.bar.FullColor, m.bar.EmptyColor = p.Accent, p.Muted
	if th.Plain {
		m.bar.FullColor, m.bar.EmptyColor = lipgloss.NoColor{}, lipgloss.NoColor{}
	}
	m.bar.PercentageStyle = th.Muted
}

// SetSize sets the area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(w - 12)
}

// Typing reports whether the new-key input has the keyboard, so that the
// root lets it have q and ?.
func (m Model) Typing() bool { return m.input.Active() }

// Open reads the keys; points are completions for a new key.
func (m *Model) Open(points []string) tea.Cmd {
	m.points = points
	m.input.SetSuggestions(points)
	m.input.Stop()
	m.loaded, m.preview, m.err = false, nil, nil
	b := m.backend
	return func() tea.Msg {
		c, bi, err := b.Keys()
		return loadedMsg{configured: c, builtin: bi, err: err}
	}
}

// Configured returns the edited key list and the built-in switch.
func (m Model) Configured() ([]string, bool) { return slices.Clone(m.configured), m.builtin }

// Update handles backend results and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.err = msg.err
		m.configured, m.builtin, m.loaded = msg.configured, msg.builtin, msg.err == nil
		m.describe()
	case previewMsg:
		if msg.gen == m.gen {
			m.previewing = false
			m.err = msg.err
			if msg.err == nil {
				p := msg.preview
				m.preview = &p
			}
		}
	case progressMsg:
		m.done, m.total = msg.done, msg.total
		return m, wait(msg.ch)
	case appliedMsg:
		m.applying = false
		m.err = msg.err
		if msg.err == nil {
			m.preview = nil
			return m, func() tea.Msg { return AppliedMsg{} }
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
	if m.applying {
		return m, nil
	}
	n := len(m.configured)
	switch {
	case key.Matches(k, m.keys.Close):
		return m, func() tea.Msg { return CloseMsg{} }
	case key.Matches(k, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.keys.Down):
		m.cursor = min(m.cursor+1, max(len(m.rows)-1, 0))
	case key.Matches(k, m.keys.MoveUp):
		if m.cursor > 0 && m.cursor < n {
			m.configured[m.cursor-1], m.configured[m.cursor] = m.configured[m.cursor], m.configured[m.cursor-1]
			m.cursor--
			m.edited()
		}
	case key.Matches(k, m.keys.MoveDown):
		if m.cursor < n-1 {
			m.configured[m.cursor+1], m.configured[m.cursor] = m.configured[m.cursor], m.configured[m.cursor+1]
			m.cursor++
			m.edited()
		}
	case key.Matches(k, m.keys.Delete):
		if m.cursor < n {
			m.configured = slices.Delete(m.configured, m.cursor, m.cursor+1)
			m.edited()
		}
	case key.Matches(k, m.keys.Builtin):
		m.builtin = !m.builtin
		m.edited()
	case key.Matches(k, m.keys.Add):
		return m, m.input.Start()
	case key.Matches(k, m.keys.Preview):
		return m, m.runPreview()
	case key.Matches(k, m.keys.Apply):
		return m, m.runApply()
	}
	return m, nil
}

// updateInput edits a new key; enter adds it after the cursor once
// checkKey passes.
func (m Model) updateInput(k tea.KeyPressMsg) (Model, tea.Cmd) {
	in, cmd, spec, ok := m.input.Update(k, specinput.Keys{Accept: m.keys.Accept, Cancel: m.keys.Cancel}, m.checkKey)
	m.input = in
	if ok {
		at := min(m.cursor+1, len(m.configured))
		m.configured = slices.Insert(m.configured, at, spec)
		m.cursor = at
		m.edited()
	}
	return m, cmd
}

// checkKey accepts a key engine.ParseKey reads that is not in the list
// already.
func (m Model) checkKey(spec string) error {
	if _, err := engine.ParseKey(spec, engine.OriginConfig); err != nil {
		return err
	}
	if slices.ContainsFunc(m.configured, func(s string) bool { return strings.EqualFold(s, spec) }) {
		return errors.New(spec + " is already in the list")
	}
	return nil
}

// edited rebuilds the effective list and forgets a preview of old keys.
func (m *Model) edited() {
	m.gen++
	m.preview = nil
	m.previewing = false
	m.describe()
}

func (m *Model) describe() {
	list, err := engine.NewKeyList(m.configured, m.builtin)
	if err != nil {
		m.err = err
		return
	}
	m.rows = list.Describe()
	m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
}

func (m *Model) runPreview() tea.Cmd {
	if !m.loaded {
		return nil
	}
	m.previewing = true
	b, c, bi, gen := m.backend, slices.Clone(m.configured), m.builtin, m.gen
	return func() tea.Msg {
		p, err := b.Preview(c, bi)
		return previewMsg{preview: p, gen: gen, err: err}
	}
}

// runApply starts the regroup in a goroutine that reports progress on a
// channel; wait re-arms itself for each message until the result comes.
func (m *Model) runApply() tea.Cmd {
	if !m.loaded {
		return nil
	}
	m.applying, m.done, m.total, m.err = true, 0, 0, nil
	b, c, bi := m.backend, slices.Clone(m.configured), m.builtin
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
	if m.input.Active() {
		return []key.Binding{m.keys.Accept, m.keys.Complete, m.keys.Cancel}
	}
	return []key.Binding{m.keys.MoveUp, m.keys.MoveDown, m.keys.Add, m.keys.Delete, m.keys.Preview, m.keys.Apply, m.keys.Close}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.MoveUp, m.keys.MoveDown},
		{m.keys.Add, m.keys.Delete, m.keys.Builtin, m.keys.Preview, m.keys.Apply, m.keys.Close},
	}
}

// View lists the effective keys with their origins, then the input,
// preview or progress.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.theme
	builtin := "on"
	if !m.builtin {
		builtin = "off"
	}
	lines := []string{th.Accent.Render("GROUPING KEYS") + th.Muted.Render(" · first key with a value wins · built-ins "+builtin)}
	if !m.loaded && m.err == nil {
		lines = append(lines, th.Muted.Render("loading keys…"))
	}
	cols := []table.Column{
		{Title: "#", Min: 3, Want: 3, Align: table.Right},
		{Title: "KEY", Min: 16, Want: 32, Grow: 1},
		{Title: "ORIGIN", Min: 8, Want: 8},
		{Title: "WHY", Min: 10, Want: 60, Drop: 1, Grow: 2},
	}
	ws := table.Layout(cols, m.width)
	lines = append(lines, table.Header(cols, ws, th.Header))
	footer := m.footer()
	room := max(m.height-len(lines)-len(footer), 0)
	from := max(min(m.cursor-room+1, len(m.rows)-room), 0)
	for i := from; i < len(m.rows) && i < from+room; i++ {
		r := m.rows[i]
		origin := th.Muted
		if r.Origin == engine.OriginConfig {
			origin = th.Accent
		}
		cells := []table.Cell{
			{Text: fmt.Sprint(r.Order), Style: th.Muted},
			{Text: table.Sanitize(r.Key)},
			{Text: string(r.Origin), Style: origin},
			{Text: table.Sanitize(r.Why), Style: th.Muted},
		}
		line := table.Row(cols, ws, cells, i == m.cursor)
		if i == m.cursor {
			line = th.Cursor.Render(table.Fit(line, m.width, table.Left))
		}
		lines = append(lines, line)
	}
	for len(lines) < m.height-len(footer) {
		lines = append(lines, "")
	}
	lines = append(lines, footer...)
	for i := range lines {
		lines[i] = table.Line(lines[i], m.width)
	}
	return strings.Join(lines[:m.height], "\n")
}

func (m Model) footer() []string {
	th := m.theme
	var out []string
	switch {
	case m.input.Active():
		out = append(out, m.input.Lines(th)...)
	case m.applying:
		out = append(out, m.progressLine())
	case m.previewing:
		out = append(out, th.Muted.Render("previewing…"))
	case m.preview != nil:
		p := m.preview
		out = append(out, fmt.Sprintf("preview: %d sessions → %d · %d merged · %d split", p.Before, p.After, p.Merged, p.Split)+th.Muted.Render(" · A applies"))
	default:
		out = append(out, th.Muted.Render("p previews what the change does to stored sessions; A applies it"))
	}
	if m.err != nil {
		out = append(out, th.Danger.Render("error: "+table.Sanitize(m.err.Error())))
	}
	return out
}

// progressLine is the regroup's bar with what it has done: exchanges
// regrouped out of those stored, the bar taking the width that is left.
func (m Model) progressLine() string {
	th := m.theme
	label := "regrouping "
	counts := th.Muted.Render(fmt.Sprintf(" %d/%d exchanges", m.done, m.total))
	if m.total <= 0 {
		counts = th.Muted.Render(" reading the history…")
	}
	frac := 0.0
	if m.total > 0 {
		frac = float64(min(max(m.done, 0), m.total)) / float64(m.total)
	}
	bar := m.bar
	bar.SetWidth(min(max(m.width-len(label)-lipgloss.Width(counts), 10), 60))
	return label + bar.ViewAs(frac) + counts
}
