package tui

import (
	"os"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/sequence"
	"github.com/spoorhq/spoor/tui/sessions"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// focus names the component that receives keys the global map does not
// take.
type focus int

const (
	focusSessions focus = iota
	focusSequence
)

// Model is the root model. It routes messages to the focused component,
// runs the loads the components need, and draws the help and status lines.
type Model struct {
	src   SessionSource
	stats func() Stats
	title string
	// noColor is NO_COLOR as read at start; a colour profile message must
	// not turn colours back on against the user's wish.
	noColor bool

	keys     KeyMap
	help     help.Model
	theme    theme.Theme
	focus    focus
	sessions sessions.Model
	sequence sequence.Model

	width, height int
	counters      Stats
	total         int // sessions in the last load
	err           error

	// Load state. At most one load is in flight (loading). A RefreshMsg
	// only marks the data dirty and opens a coalescing window (ticking);
	// when the window closes a dirty model loads once, however many
	// refreshes arrived.
	loading bool
	dirty   bool
	ticking bool
	// asOf is the open session's request count when its requests were last
	// loaded, or -1 before the first load; a larger count means it grew.
	asOf int

	// schedule delivers a message after a delay. It is a field so that
	// tests can fire timers by hand instead of sleeping.
	schedule func(time.Duration, tea.Msg) tea.Cmd
}

// New returns the root model. The first load starts in Init.
func New(opts Options) Model {
	noColor := os.Getenv("NO_COLOR") != ""
	th := theme.New(true, noColor)
	m := Model{
		src:      opts.Source,
		stats:    opts.Stats,
		title:    opts.Title,
		noColor:  noColor,
		keys:     DefaultKeyMap(),
		help:     help.New(),
		sessions: sessions.New(th),
		sequence: sequence.New(th),
		loading:  true,
		asOf:     -1,
		schedule: after,
	}
	m.setTheme(th)
	m.readStats()
	return m
}

// Init asks for the terminal background, which picks the light or dark
// palette, and starts the first load.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, loadSessions(m.src)}
	if m.stats != nil {
		cmds = append(cmds, m.schedule(statsInterval, statsTickMsg{}))
	}
	return tea.Batch(cmds...)
}

// Update dispatches a message to the method that handles it.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.setTheme(theme.New(msg.IsDark(), m.theme.Plain))
	case tea.ColorProfileMsg:
		plain := msg.Profile == colorprofile.NoTTY || msg.Profile == colorprofile.ASCII
		m.setTheme(theme.New(m.theme.Dark, m.noColor || plain))
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case RefreshMsg:
		m.dirty = true
		cmd = m.arm()
	case refreshTickMsg:
		cmd = m.refresh()
	case statsTickMsg:
		m.readStats()
		cmd = m.schedule(statsInterval, statsTickMsg{})
	case sessionsLoadedMsg:
		cmd = m.sessionsLoaded(msg.sessions)
	case requestsLoadedMsg:
		cmd = m.requestsLoaded(msg)
	case errMsg:
		m.err = msg.err
		cmd = m.loadDone()
	case sessions.OpenMsg:
		cmd = m.open(msg.Session)
	case sequence.BackMsg:
		m.focus = focusSessions
	}
	m.layout()
	return m, cmd
}

// View draws the focused component over the help and status lines.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "spoor"
	if m.title != "" {
		v.WindowTitle = table.Sanitize(m.title)
	}
	return v
}

// handleKey gives global keys the first look. q is global because no
// component takes text input yet; once one does, a focused input must get
// every key but ctrl+c.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Interrupt, m.keys.Quit):
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	}
	var cmd tea.Cmd
	switch m.focus {
	case focusSequence:
		m.sequence, cmd = m.sequence.Update(k)
	default:
		m.sessions, cmd = m.sessions.Update(k)
	}
	return cmd
}

// arm opens a coalescing window if data is dirty and nothing is pending. A
// load in flight arms it when it ends, so refreshes that arrive during a
// slow load still cost a single reload.
func (m *Model) arm() tea.Cmd {
	if !m.dirty || m.ticking || m.loading {
		return nil
	}
	m.ticking = true
	return m.schedule(refreshDelay, refreshTickMsg{})
}

// refresh closes a coalescing window and reloads once.
func (m *Model) refresh() tea.Cmd {
	m.ticking = false
	if !m.dirty || m.loading {
		return nil
	}
	m.dirty, m.loading = false, true
	return loadSessions(m.src)
}

// loadDone ends a load and reopens the window if refreshes arrived
// meanwhile.
func (m *Model) loadDone() tea.Cmd {
	m.loading = false
	return m.arm()
}

// sessionsLoaded applies a reload. When the open session grew, its
// requests load next while the load still counts as in flight, so that
// the two reads never overlap.
func (m *Model) sessionsLoaded(list []engine.Session) tea.Cmd {
	m.err = nil
	m.total = len(list)
	m.sessions.SetSessions(list)
	m.readStats()
	if m.focus != focusSequence {
		return m.loadDone()
	}
	open := m.sequence.Session()
	if i := slices.IndexFunc(list, func(s engine.Session) bool { return s.ID == open.ID }); i >= 0 {
		open = list[i]
		m.sequence.SetSession(open)
	} else if m.asOf >= 0 {
		// The session fell out of the newest sessions; what is shown is
		// still right, it just no longer grows.
		return m.loadDone()
	}
	if open.Requests == m.asOf {
		return m.loadDone()
	}
	return loadRequests(m.src, open.ID, open.Requests)
}

// requestsLoaded applies requests unless the user has moved on since.
func (m *Model) requestsLoaded(msg requestsLoadedMsg) tea.Cmd {
	if m.focus == focusSequence && msg.sessionID == m.sequence.Session().ID {
		m.sequence.SetExchanges(msg.exchanges)
		m.asOf = msg.asOf
	}
	return m.loadDone()
}

// open switches to a session's sequence and loads its requests now, or
// as soon as the load in flight ends.
func (m *Model) open(s engine.Session) tea.Cmd {
	m.focus = focusSequence
	m.sequence.Open(s)
	m.asOf = -1
	if m.loading {
		// Whatever is in flight, a dirty model reloads after it, and that
		// reload sees the open session has no requests yet.
		m.dirty = true
		return nil
	}
	m.loading = true
	return loadRequests(m.src, s.ID, s.Requests)
}

func (m *Model) readStats() {
	if m.stats != nil {
		m.counters = m.stats()
	}
}

func (m *Model) setTheme(th theme.Theme) {
	m.theme = th
	m.help.Styles = th.Help
	m.sessions.SetTheme(th)
	m.sequence.SetTheme(th)
}

// layout gives the components what the help and status lines leave. It
// runs after every message because help grows when toggled and shrinks
// when keys are disabled.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	body := max(m.height-1-lipgloss.Height(m.helpView()), 0)
	m.sessions.SetSize(m.width, body)
	m.sequence.SetSize(m.width, body)
}

func (m Model) helpView() string {
	var local help.KeyMap = m.sessions
	if m.focus == focusSequence {
		local = m.sequence
	}
	return m.help.View(helpKeys{local: local, global: m.keys})
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var lines []string
	body := m.sessions.View()
	if m.focus == focusSequence {
		body = m.sequence.View()
	}
	if body != "" {
		lines = append(lines, strings.Split(body, "\n")...)
	}
	// Help is fitted again because bubbles/help lets the last short-help
	// item overflow when not even its ellipsis fits.
	for _, l := range strings.Split(m.helpView(), "\n") {
		lines = append(lines, table.Line(l, m.width))
	}
	lines = append(lines, m.statusBar())
	// A terminal too short for the help keeps the status line, which
	// carries errors.
	if len(lines) > m.height {
		lines = lines[len(lines)-m.height:]
	}
	return strings.Join(lines, "\n")
}
