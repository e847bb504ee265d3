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
	"github.com/spoorhq/spoor/tui/contexteditor"
	"github.com/spoorhq/spoor/tui/detail"
	"github.com/spoorhq/spoor/tui/endpoints"
	"github.com/spoorhq/spoor/tui/exportprompt"
	"github.com/spoorhq/spoor/tui/filterbar"
	"github.com/spoorhq/spoor/tui/keyeditor"
	"github.com/spoorhq/spoor/tui/listeditor"
	rulesui "github.com/spoorhq/spoor/tui/rules"
	"github.com/spoorhq/spoor/tui/search"
	"github.com/spoorhq/spoor/tui/sequence"
	"github.com/spoorhq/spoor/tui/sessions"
	"github.com/spoorhq/spoor/tui/stats"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
	"github.com/spoorhq/spoor/tui/traffic"
)

// focus names the screen that receives keys the global map does not take.
type focus int

const (
	focusSessions focus = iota
	focusSequence
	focusDetail
	focusKeys
	focusContext
	focusEndpoints
	focusRules
)

// input names the text input that has the keyboard, if any. A focused
// input receives every key but ctrl+c.
type input int

const (
	inputNone input = iota
	inputSearch
	inputFilter
	inputExport
)

// Model is the root model. It routes messages to the focused component,
// runs the loads the components need, and draws the help and status lines.
type Model struct {
	src    SessionSource
	stats  func() Stats
	title  string
	editor KeyEditor
	ctx    ContextEditor
	export func(sessionID, format string) ([]byte, error)
	report ReportFunc
	// exportDir is where the export prompt proposes to write.
	exportDir string
	now       func() time.Time
	// noColor is NO_COLOR as read at start; a colour profile message must
	// not turn colours back on against the user's wish.
	noColor bool

	keys KeyMap
	help help.Model
	// helpText is the short help line as layout last drew it: the frame
	// reuses it rather than render the key maps again, twice.
	helpText  string
	showHelp  bool
	theme     theme.Theme
	focus     focus
	input     input
	sessions  sessions.Model
	traffic   traffic.Model
	sequence  sequence.Model
	detail    detail.Model
	keyeditor keyeditor.Model
	ctxeditor contexteditor.Model
	search    search.Model
	filterbar filterbar.Model
	filter    filterState
	vocab     vocabState
	exporting exportprompt.Model
	// inv is the endpoints view (inventory.go).
	inv       inventoryState
	rules     rulesui.Model
	rulesOn   bool // a rules backend was given
	rulesFrom focus

	width, height int
	counters      Stats
	// list is what the sessions list shows and how it pages (paging.go).
	list listState
	err  error
	// notice is a one-off message for the status bar (an export path, a
	// copied request), cleared by the next key.
	notice string
	// quitArmed is set by a q that would drop an editor's edits: the next
	// key, if it is q again, quits.
	quitArmed bool

	// Load state. At most one load is in flight (loading). A RefreshMsg
	// only marks the data dirty and opens a coalescing window (ticking);
	// when the window closes a dirty model loads once, however many
	// refreshes arrived.
	loading bool
	dirty   bool
	ticking bool
	// limit is how many sessions the list loads: one page, growing as the
	// cursor nears the end.
	limit int
	// asOf is the open session's request count when its requests were last
	// loaded, or -1 before the first load; a larger count means it grew.
	asOf int
	// marks counts the rule changes that may change how stored tags read
	// (a mute saved, edited or removed): requests read before the last
	// one are read again.
	marks int
	// activity says a sparkline load is in flight; endpoints are the
	// endpoints learnt from those loads, which search also looks at.
	activity  bool
	endpoints map[string][]string
	// points are header, cookie and query names seen in loaded requests,
	// offered as completions in the key editor.
	points map[string]bool

	// schedule delivers a message after a delay and write stores an
	// export (see writeExport). They are fields so that tests can fire
	// timers by hand and keep files out of the working directory.
	schedule func(time.Duration, tea.Msg) tea.Cmd
	write    func(path, name string, data []byte) (string, error)
}

// New returns the root model. The first load starts in Init.
func New(opts Options) Model {
	noColor := os.Getenv("NO_COLOR") != ""
	th := theme.New(true, noColor)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m := Model{
		src:       opts.Source,
		stats:     opts.Stats,
		title:     opts.Title,
		editor:    opts.Keys,
		ctx:       opts.Context,
		export:    opts.Export,
		report:    opts.Report,
		exportDir: opts.ExportDir,
		now:       now,
		noColor:   noColor,
		keys:      DefaultKeyMap(),
		help:      help.New(),
		sessions:  sessions.New(th),
		traffic:   traffic.New(th, opts.Source),
		sequence:  sequence.New(th, now),
		detail:    detail.New(th),
		keyeditor: keyeditor.New(th, opts.Keys),
		ctxeditor: contexteditor.New(th, opts.Context),
		search:    search.New(th),
		filterbar: filterbar.New(th, now),
		vocab:     vocabState{flows: opts.Flows},
		exporting: exportprompt.New(th),
		inv:       newInventoryState(th, opts.Endpoints, now),
		rules:     rulesui.New(th, opts.Rules),
		rulesOn:   opts.Rules != nil,
		loading:   true,
		limit:     sessionLimit,
		asOf:      -1,
		endpoints: map[string][]string{},
		points:    map[string]bool{},
		schedule:  after,
		write:     writeExport,
	}
	m.filterbar.SetVocabulary(m.vocab.vocabulary())
	m.sessions.SetClock(now)
	m.setTheme(th)
	m.readStats()
	m.syncKeys()
	return m
}

// Init asks for the terminal background, which picks the light or dark
// palette, and starts the first load.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, loadSessions(m.src, m.limit, nil, m.filter.gen)}
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
		m.layout()
		cmd = tea.Batch(m.loadVisibleActivity(), m.loadTraffic())
	case tea.BackgroundColorMsg:
		m.setTheme(theme.New(msg.IsDark(), m.theme.Plain))
	case tea.ColorProfileMsg:
		plain := msg.Profile == colorprofile.NoTTY || msg.Profile == colorprofile.ASCII
		m.setTheme(theme.New(m.theme.Dark, m.noColor || plain))
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		cmd = m.handleMouse(msg)
	case RefreshMsg:
		m.dirty = true
		cmd = m.arm()
	case refreshTickMsg:
		cmd = tea.Batch(m.refresh(), m.refreshInventory())
	case statsTickMsg:
		m.readStats()
		cmd = m.schedule(statsInterval, statsTickMsg{})
	case sessionsLoadedMsg:
		cmd = m.sessionsLoaded(msg)
	case requestsLoadedMsg:
		cmd = m.requestsLoaded(msg)
	case exchangeLoadedMsg:
		m.exchangeLoaded(msg)
	case activityLoadedMsg:
		cmd = m.activityLoaded(msg)
	case traffic.LoadedMsg:
		m.traffic, cmd = m.traffic.Update(msg)
	case exportedMsg:
		m.exported(msg)
	case endpointsLoadedMsg:
		cmd = m.endpointsLoaded(msg)
	case endpoints.DrillMsg:
		cmd = m.drillDown(msg.Endpoint)
	case endpoints.BackMsg:
		m.focus = focusSessions
		cmd = tea.Batch(m.loadVisibleActivity(), m.loadTraffic())
	case errMsg:
		m.err = msg.err
		cmd = m.loadDone()
	case search.ResultMsg:
		cmd = m.searched(msg)
	case vocabularyLoadedMsg:
		cmd = m.vocabularyLoaded(msg)
	case filterbar.AppliedMsg, filterbar.CancelledMsg:
		cmd = m.filterDone(msg)
	case sessions.OpenMsg:
		cmd = m.open(msg.Session)
	case sessions.EndMsg:
		cmd = m.toEnd()
	case sessions.HomeMsg:
		cmd = m.toHome()
	case sessions.ResumeMsg:
		cmd = m.resume()
	case stats.ChooseMsg, stats.CloseMsg:
		m.sequence, cmd = m.sequence.Update(msg)
	case sequence.BackMsg:
		m.focus = focusSessions
		cmd = tea.Batch(m.loadVisibleActivity(), m.loadTraffic())
	case sequence.OpenMsg:
		cmd = m.openExchange(msg.Exchange)
	case sequence.CopyMsg:
		cmd = copyCurl(m.src, msg.Exchange.ID)
	case detail.BackMsg:
		m.focus = focusSequence
	case detail.CopyMsg:
		cmd = m.copy(msg.Text, msg.What)
	case listeditor.CloseMsg:
		m.focus = focusSessions
		cmd = m.loadTraffic()
	case keyeditor.AppliedMsg:
		cmd = m.regrouped()
	case contexteditor.SavedMsg:
		m.notice = "context parameters saved: they apply to newly captured exchanges"
	case rulesui.CloseMsg:
		cmd = m.rulesClosed(msg)
	default:
		switch m.focus {
		case focusRules:
			m.rules, cmd = m.rules.Update(msg)
		case focusKeys:
			m.keyeditor, cmd = m.keyeditor.Update(msg)
		case focusContext:
			m.ctxeditor, cmd = m.ctxeditor.Update(msg)
		}
	}
	m.syncKeys()
	m.layout()
	return m, cmd
}

// View draws the focused component over the help and status lines.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "spoor"
	if m.title != "" {
		v.WindowTitle = table.Sanitize(m.title)
	}
	return v
}

// handleKey gives a focused input every key but ctrl+c, then global keys
// the first look, then the focused screen.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	m.notice = ""
	quitArmed := m.quitArmed
	m.quitArmed = false
	if key.Matches(k, m.keys.Interrupt) {
		return tea.Quit
	}
	switch m.input {
	case inputSearch:
		var cmd tea.Cmd
		var ev search.Event
		m.search, cmd, ev = m.search.Update(k)
		switch ev {
		case search.Changed:
			return tea.Batch(cmd, m.search.Run(m.sessionsForSearch(), m.endpoints))
		case search.Accepted, search.Cancelled:
			return m.searchDone(ev == search.Cancelled)
		}
		return cmd
	case inputFilter:
		var cmd tea.Cmd
		m.filterbar, cmd = m.filterbar.Update(k)
		return tea.Batch(cmd, m.checkMethods())
	case inputExport:
		return m.exportKey(k)
	}
	if m.showHelp {
		// The full help is a screen of its own; any key closes it.
		if key.Matches(k, m.keys.Quit) {
			return tea.Quit
		}
		m.showHelp = false
		return nil
	}
	if !m.typing() {
		switch {
		case key.Matches(k, m.keys.Quit) && m.unsavedEdits() && !quitArmed:
			// Quitting drops an editor's edits: say so once, as esc does.
			m.quitArmed = true
			m.notice = "unsaved edits in the editor: s saves them, q again quits without saving"
			return nil
		case key.Matches(k, m.keys.Quit):
			return tea.Quit
		case key.Matches(k, m.keys.Help):
			m.showHelp = true
			return nil
		}
	}
	if m.typing() {
		return m.updateFocused(k)
	}
	if cmd, ok := m.globalKey(k); ok {
		return cmd
	}
	return m.updateFocused(k)
}

// unsavedEdits reports whether the editor on display holds edits that
// quitting would drop.
func (m *Model) unsavedEdits() bool {
	return (m.focus == focusKeys && m.keyeditor.Dirty()) || (m.focus == focusContext && m.ctxeditor.Dirty())
}

// filterDone hands what a filter input sent to the input's owner: the
// sequence's own bar while a session is on display, else the list's.
func (m *Model) filterDone(msg tea.Msg) tea.Cmd {
	if m.focus == focusSequence && m.input != inputFilter {
		var cmd tea.Cmd
		m.sequence, cmd = m.sequence.Update(msg)
		return cmd
	}
	if applied, ok := msg.(filterbar.AppliedMsg); ok {
		return m.filterApplied(applied.Expr)
	}
	m.closeInput()
	return nil
}

// updateFocused hands a key or a mouse event to the screen on display.
func (m *Model) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case focusSequence:
		m.sequence, cmd = m.sequence.Update(msg)
	case focusDetail:
		m.detail, cmd = m.detail.Update(msg)
	case focusKeys:
		m.keyeditor, cmd = m.keyeditor.Update(msg)
	case focusContext:
		m.ctxeditor, cmd = m.ctxeditor.Update(msg)
	case focusEndpoints:
		m.inv.view, cmd = m.inv.view.Update(msg)
	case focusRules:
		m.rules, cmd = m.rules.Update(msg)
	default:
		m.sessions, cmd = m.sessions.Update(msg)
		cmd = tea.Batch(cmd, m.grow(), m.loadVisibleActivity())
	}
	return cmd
}

// globalKey handles the keys that act across screens; the bindings are
// disabled where they do not apply, so Matches is enough.
func (m *Model) globalKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(k, m.keys.Search):
		m.input = inputSearch
		return m.search.Focus(), true
	case key.Matches(k, m.keys.Filter):
		m.input = inputFilter
		return tea.Batch(m.filterbar.Open(m.filter.expr), m.refreshVocabulary(m.vocab.scanned)), true
	case key.Matches(k, m.keys.ToggleFilter):
		return m.toggleFilter(), true
	case key.Matches(k, m.keys.Range15m):
		return m.setRange("15m"), true
	case key.Matches(k, m.keys.Range1h):
		return m.setRange("1h"), true
	case key.Matches(k, m.keys.Range24h):
		return m.setRange("24h"), true
	case key.Matches(k, m.keys.RangeAll):
		return m.setRange(""), true
	case key.Matches(k, m.keys.KeyEditor):
		return m.openEditor(focusKeys, "key", m.editor != nil, m.keyeditor.Open), true
	case key.Matches(k, m.keys.ContextEditor):
		return m.openEditor(focusContext, "context", m.ctx != nil, m.ctxeditor.Open), true
	case key.Matches(k, m.keys.MCPTab):
		m.sessions.SetMCP(!m.sessions.MCP())
		return tea.Batch(m.loadVisibleActivity(), m.loadTraffic()), true
	case key.Matches(k, m.keys.ExportHAR):
		return m.exportSession("har"), true
	case key.Matches(k, m.keys.ExportJSON):
		return m.exportSession("json"), true
	case key.Matches(k, m.keys.Inventory):
		return m.openInventory(), true
	case key.Matches(k, m.keys.InventoryBack):
		return m.drillBack(), true
	case key.Matches(k, m.keys.Report):
		return m.reportPrompt(), true
	case key.Matches(k, m.keys.Rules):
		return m.openRules(), true
	case key.Matches(k, m.keys.Block):
		return m.proposeBlock(), true
	case key.Matches(k, m.keys.Mute):
		return m.proposeTagRule(false), true
	case key.Matches(k, m.keys.Patch):
		return m.proposeTagRule(true), true
	}
	return nil, false
}

// handleMouse sends wheel and clicks to the screen on display; rows are
// counted from the top of the screen, which is the top of every component.
func (m *Model) handleMouse(msg tea.Msg) tea.Cmd {
	if m.input != inputNone || m.showHelp {
		return nil
	}
	return m.updateFocused(msg)
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
	return m.reload()
}

// reload starts a sessions load now.
func (m *Model) reload() tea.Cmd {
	m.dirty, m.loading = false, true
	return m.loadList()
}

// loadDone ends a load and reopens the window if refreshes arrived
// meanwhile.
func (m *Model) loadDone() tea.Cmd {
	m.loading = false
	return m.arm()
}

// sessionsLoaded applies a reload. When the open session grew, its
// requests load next while the load still counts as in flight, so that
// the two reads never overlap. A load for an older filter is dropped.
func (m *Model) sessionsLoaded(msg sessionsLoadedMsg) tea.Cmd {
	if msg.gen != m.filter.gen {
		m.dirty = true
		return m.loadDone()
	}
	list := msg.sessions
	m.err = nil
	var rerun tea.Cmd
	if !m.hold(msg) {
		m.show(msg)
		if m.search.Query() != "" {
			rerun = m.search.Run(m.sessionsForSearch(), m.endpoints)
		}
	}
	m.readStats()
	if m.focus != focusSequence && m.focus != focusDetail {
		return tea.Batch(rerun, m.loadDone(), m.loadVisibleActivity(), m.loadTraffic())
	}
	open := m.sequence.Session()
	if i := slices.IndexFunc(list, func(s engine.Session) bool { return s.ID == open.ID }); i >= 0 {
		open = list[i]
		m.sequence.SetSession(open)
	} else if m.asOf >= 0 {
		// The session fell out of the newest sessions; what is shown is
		// still right, it just no longer grows.
		return tea.Batch(rerun, m.loadDone())
	}
	if open.Requests == m.asOf {
		return tea.Batch(rerun, m.loadDone())
	}
	return tea.Batch(rerun, loadRequests(m.src, open.ID, open.Requests, m.marks))
}

// requestsLoaded applies requests unless the user has moved on since.
func (m *Model) requestsLoaded(msg requestsLoadedMsg) tea.Cmd {
	if m.focus != focusSessions && msg.sessionID == m.sequence.Session().ID {
		m.sequence.SetExchanges(msg.exchanges)
		m.asOf = msg.asOf
		if msg.marks != m.marks {
			m.asOf = -1 // read before a mute changed the marks: read again
		}
		m.learnPoints(msg.exchanges)
	}
	return m.loadDone()
}

// learnPoints records the header, cookie and query names of loaded
// requests, which the key editor offers as completions.
func (m *Model) learnPoints(xs []engine.Exchange) {
	const most = 500
	for i := range xs {
		if len(m.points) >= most {
			return
		}
		for _, p := range keyeditor.PointsOf(&xs[i]) {
			m.points[p] = true
		}
	}
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
	return loadRequests(m.src, s.ID, s.Requests, m.marks)
}

// openExchange shows a request's detail and loads its bodies.
func (m *Model) openExchange(x engine.Exchange) tea.Cmd {
	m.focus = focusDetail
	m.detail.Open(x, m.sequence.Session())
	return loadExchange(m.src, x.ID)
}

func (m *Model) exchangeLoaded(msg exchangeLoadedMsg) {
	if msg.err != nil {
		m.err = msg.err
		return
	}
	m.detail.SetExchange(msg.exchange)
}

// loadVisibleActivity loads the sparklines the visible rows lack, in one
// command; at most one such load is in flight, and none happens when the
// column is not shown.
func (m *Model) loadVisibleActivity() tea.Cmd {
	if m.activity || m.focus != focusSessions || !m.sessions.ShowsActivity() {
		return nil
	}
	var missing []engine.Session
	for _, s := range m.sessions.Visible() {
		if !m.sessions.HasActivity(s.ID) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	m.activity = true
	return loadActivity(missing)
}

// loadTraffic brings the traffic strip up to date with the loaded list
// while the sessions screen shows it; sessions loads are coalesced, and
// so are its loads.
func (m *Model) loadTraffic() tea.Cmd {
	if m.focus != focusSessions {
		return nil
	}
	return m.traffic.Refresh(m.sessions.Sessions(), m.sessions.Shown())
}

func (m *Model) activityLoaded(msg activityLoadedMsg) tea.Cmd {
	m.activity = false
	for _, a := range msg.rows {
		m.sessions.SetActivity(a.sessionID, a.series)
		if len(a.endpoints) > 0 {
			m.endpoints[a.sessionID] = a.endpoints
		}
	}
	return m.loadVisibleActivity()
}

// sessionsForSearch is what search runs over: every loaded session.
func (m *Model) sessionsForSearch() []engine.Session { return m.sessions.Sessions() }

// searched shows the newest query's results and drops older ones; the
// strip follows what the list shows.
func (m *Model) searched(msg search.ResultMsg) tea.Cmd {
	if !m.search.Current(msg) {
		return nil
	}
	if msg.Query == "" {
		m.sessions.SetMatches(nil)
		return m.loadTraffic()
	}
	matches := make([]sessions.Match, len(msg.Matches))
	for i, mt := range msg.Matches {
		matches[i] = sessions.Match{SessionID: mt.SessionID, Index: mt.Index, Field: mt.Field, Text: mt.Text, Marks: mt.Marks}
	}
	m.sessions.SetMatches(matches)
	m.sessions.SetEmptyText("no session matches “" + table.Sanitize(msg.Query) + "”")
	return m.loadTraffic()
}

// searchDone leaves the search input; cancel also ends the search.
func (m *Model) searchDone(cancel bool) tea.Cmd {
	m.closeInput()
	if cancel {
		m.search.Reset()
		m.sessions.SetMatches(nil)
		m.sessions.SetEmptyText(m.emptyText())
	}
	return tea.Batch(m.loadVisibleActivity(), m.loadTraffic())
}

func (m *Model) closeInput() {
	m.input = inputNone
	m.search.Blur()
	m.filterbar.Blur()
	m.exporting.Blur()
}

// openEditor opens the key or context editor with the points seen so far
// as completions, or says why it cannot: both edit a writable store.
func (m *Model) openEditor(f focus, name string, writable bool, open func(points []string) tea.Cmd) tea.Cmd {
	if !writable {
		m.notice = "the " + name + " editor needs a writable store (spoor proxy or spoor demo)"
		return nil
	}
	m.focus = f
	return open(m.seenPoints())
}

// seenPoints are the points learnt from loaded requests, sorted, which
// the editors offer as completions.
func (m *Model) seenPoints() []string {
	points := make([]string, 0, len(m.points))
	for p := range m.points {
		points = append(points, p)
	}
	slices.Sort(points)
	return points
}

// typing reports whether a screen's text input (an editor's, the
// sequence's filter) has the keyboard, which then receives q, ? and the
// global keys too: "e" in a filter is a letter, not an export.
func (m *Model) typing() bool {
	return (m.focus == focusKeys && m.keyeditor.Typing()) || (m.focus == focusContext && m.ctxeditor.Typing()) ||
		(m.focus == focusSequence && m.sequence.Typing()) || (m.focus == focusEndpoints && m.inv.view.Typing()) ||
		(m.focus == focusRules && m.rules.Typing())
}

// regrouped reloads everything after the grouping changed: the open
// sessions may no longer exist.
func (m *Model) regrouped() tea.Cmd {
	m.notice = "grouping keys applied"
	m.sessions.SetActivityReset()
	m.traffic.Reset()
	m.endpoints = map[string][]string{}
	m.filter.gen++
	if m.loading {
		m.dirty = true
		return nil
	}
	return m.reload()
}

// copy puts text on the clipboard through OSC 52, which works over ssh.
func (m *Model) copy(text, what string) tea.Cmd {
	m.notice = "copied " + what
	return tea.SetClipboard(text)
}

func (m Model) currentSessionID() string {
	if m.focus == focusSessions {
		s, ok := m.sessions.Selected()
		if !ok {
			return ""
		}
		return s.ID
	}
	return m.sequence.Session().ID
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
	m.traffic.SetTheme(th)
	m.sequence.SetTheme(th)
	m.detail.SetTheme(th)
	m.keyeditor.SetTheme(th)
	m.ctxeditor.SetTheme(th)
	m.search.SetTheme(th)
	m.filterbar.SetTheme(th)
	m.exporting.SetTheme(th)
	m.inv.view.SetTheme(th)
	m.rules.SetTheme(th)
}

// syncKeys enables the global keys that act on the screen on display.
func (m *Model) syncKeys() {
	list := m.focus == focusSessions
	session := (list && m.sessions.Len() > 0) || m.focus == focusSequence || m.focus == focusDetail
	m.keys.setEnabled(list, session, m.export != nil, list, m.sessions.MCP())
	m.keys.setInventory(list, list && m.inv.drilled != nil)
	m.syncReportKey()
	m.syncRuleKeys()
}

// layout gives the components what the help, input and status lines
// leave. It runs after every message because help grows when toggled and
// shrinks when keys are disabled.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	m.search.SetSize(m.width)
	m.filterbar.SetSize(m.width)
	m.exporting.SetSize(m.width)
	m.helpText = m.helpView()
	body := max(m.height-1-lipgloss.Height(m.helpText)-m.inputHeight(), 0)
	m.traffic.SetSize(m.width, body)
	m.sessions.SetSize(m.width, body-m.traffic.Height())
	m.sequence.SetSize(m.width, body)
	m.detail.SetSize(m.width, body)
	m.keyeditor.SetSize(m.width, body)
	m.ctxeditor.SetSize(m.width, body)
	m.inv.view.SetSize(m.width, body)
	m.rules.SetSize(m.width, body)
}

func (m Model) inputHeight() int {
	switch m.input {
	case inputSearch, inputExport:
		return 1
	case inputFilter:
		return m.filterbar.Height()
	}
	return 0
}

// local is the key map of whatever has the keyboard.
func (m Model) local() help.KeyMap {
	switch {
	case m.input == inputSearch:
		return m.search
	case m.input == inputFilter:
		return m.filterbar
	case m.input == inputExport:
		return m.exporting
	case m.focus == focusSequence:
		return m.sequence
	case m.focus == focusDetail:
		return m.detail
	case m.focus == focusKeys:
		return m.keyeditor
	case m.focus == focusContext:
		return m.ctxeditor
	case m.focus == focusEndpoints:
		return m.inv.view
	case m.focus == focusRules:
		return m.rules
	}
	return m.sessions
}

func (m Model) helpView() string {
	h := m.help
	h.ShowAll = false
	if m.input != inputNone || m.typing() {
		// An input or a question has every key: q and ? type or answer.
		return h.View(m.local())
	}
	return h.View(helpKeys{local: m.local(), global: m.keys})
}

// fullHelp is the `?` screen: every key of the screen on display and the
// global ones, in columns, generated from the key maps.
func (m Model) fullHelp() string {
	h := m.help
	h.ShowAll = true
	title := m.theme.Accent.Render("keys") + m.theme.Muted.Render(" · any key closes")
	if m.focus == focusSessions && m.input == inputNone {
		title += "\n" + m.theme.Muted.Width(max(m.width, 1)).Render(m.sessions.HelpNote())
	}
	if m.focus == focusEndpoints && !m.inv.view.Typing() {
		title += "\n" + m.theme.Muted.Width(max(m.width, 1)).Render(m.inv.view.HelpNote())
	}
	return title + "\n\n" + h.View(helpKeys{local: m.local(), global: m.keys})
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var lines []string
	var body string
	switch {
	case m.showHelp:
		body = m.fullHelp()
	case m.focus == focusSequence:
		body = m.sequence.View()
	case m.focus == focusDetail:
		body = m.detail.View()
	case m.focus == focusKeys:
		body = m.keyeditor.View()
	case m.focus == focusContext:
		body = m.ctxeditor.View()
	case m.focus == focusEndpoints:
		body = m.inv.view.View()
	case m.focus == focusRules:
		body = m.rules.View()
	default:
		body = m.sessions.View()
		if m.traffic.Height() > 0 {
			body += "\n" + m.traffic.View()
		}
	}
	if body != "" {
		lines = append(lines, strings.Split(body, "\n")...)
	}
	switch m.input {
	case inputSearch:
		lines = append(lines, m.search.View())
	case inputFilter:
		lines = append(lines, strings.Split(m.filterbar.View(), "\n")...)
	case inputExport:
		lines = append(lines, m.exporting.View())
	}
	// Help is fitted again because bubbles/help lets the last short-help
	// item overflow when not even its ellipsis fits.
	help := m.helpText
	if help == "" {
		help = m.helpView() // a model drawn before its first layout
	}
	for _, l := range strings.Split(help, "\n") {
		lines = append(lines, table.Line(l, m.width))
	}
	lines = append(lines, m.statusBar())
	for i := range lines {
		lines[i] = table.Line(lines[i], m.width)
	}
	// Pad a short body (the help screen) so the bars stay at the bottom.
	for len(lines) < m.height {
		lines = slices.Insert(lines, len(lines)-1-lipgloss.Height(help)-m.inputHeight(), "")
	}
	// A terminal too short for the help keeps the status line, which
	// carries errors.
	if len(lines) > m.height {
		if m.showHelp {
			lines = append(lines[:m.height-1], lines[len(lines)-1])
		} else {
			lines = lines[len(lines)-m.height:]
		}
	}
	return strings.Join(lines, "\n")
}
