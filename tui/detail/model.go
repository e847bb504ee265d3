package detail

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/sequence"
	"github.com/spoorhq/spoor/tui/stats"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// Tab is one page of the detail view.
type Tab int

// Tabs in display order.
const (
	TabRequest Tab = iota
	TabResponse
	TabTags
	TabContext
	// TabMCP is shown, after Request, only for a request that carries MCP.
	TabMCP
	tabs
)

func (t Tab) String() string {
	return [...]string{"Request", "Response", "Tags", "Context", "MCP"}[t]
}

// tabList is the tabs the open request has, in display order.
func (m Model) tabList() []Tab {
	if m.x.Exchange.MCP != nil {
		return []Tab{TabRequest, TabMCP, TabResponse, TabTags, TabContext}
	}
	return []Tab{TabRequest, TabResponse, TabTags, TabContext}
}

// step moves d tabs along the open request's tabs, wrapping around.
func (m *Model) step(d int) {
	list := m.tabList()
	i := max(slices.Index(list, m.tab), 0)
	m.tab = list[(i+d+len(list))%len(list)]
	m.fill()
	m.view.GotoTop()
}

// KeyMap is the detail view's bindings; the viewport's own keys scroll.
type KeyMap struct {
	Next key.Binding
	Prev key.Binding
	Copy key.Binding
	Back key.Binding
	// Top and Bottom go to either end of the tab, as g and G do in every
	// list.
	Top, Bottom key.Binding
}

// DefaultKeyMap returns the detail view's default bindings; g and G are
// the lists' first and last, read as the top and bottom of the tab.
func DefaultKeyMap() KeyMap {
	nav := theme.DefaultNavKeyMap()
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab/→", "next tab")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("⇧tab/←", "previous tab")),
		Copy:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Top:    key.NewBinding(key.WithKeys(nav.Home.Keys()...), key.WithHelp(nav.Home.Help().Key, "top")),
		Bottom: key.NewBinding(key.WithKeys(nav.End.Keys()...), key.WithHelp(nav.End.Help().Key, "bottom")),
	}
}

// BackMsg asks the root to return to the sequence.
type BackMsg struct{}

// CopyMsg asks the root to copy text to the clipboard.
type CopyMsg struct{ Text, What string }

// Model is the request detail.
type Model struct {
	keys    KeyMap
	theme   theme.Theme
	session engine.Session
	x       Prepared
	loaded  bool
	tab     Tab
	view    viewport.Model
	width   int
	height  int
}

// New returns an empty detail view.
func New(th theme.Theme) Model {
	vp := viewport.New()
	vp.KeyMap.Left.SetEnabled(false)
	vp.KeyMap.Right.SetEnabled(false)
	vp.SoftWrap = true
	return Model{keys: DefaultKeyMap(), theme: th, view: vp}
}

// SetTheme switches styles.
func (m *Model) SetTheme(th theme.Theme) {
	m.theme = th
	m.fill()
}

// SetSize sets the area, the tab line included.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.view.SetWidth(w)
	m.view.SetHeight(max(h-2, 0))
	m.fill()
}

// Open shows x's summary at once; its bodies follow in SetExchange.
func (m *Model) Open(x engine.Exchange, s engine.Session) {
	m.session = s
	m.x = Prepared{Exchange: x}
	m.loaded = false
	m.tab = TabRequest
	m.fill()
	m.view.GotoTop()
}

// SetExchange shows the loaded exchange, if it is still the one open.
func (m *Model) SetExchange(p Prepared) {
	if p.Exchange.ID != m.x.Exchange.ID {
		return
	}
	m.x = p
	m.loaded = true
	m.fill()
}

// Offset is the first line of the tab on display, 0 at the top.
func (m Model) Offset() int { return m.view.YOffset() }

// AtBottom reports whether the tab's last line is on display.
func (m Model) AtBottom() bool { return m.view.AtBottom() }

// ID is the exchange on display.
func (m Model) ID() uint64 { return m.x.Exchange.ID }

// Tab is the tab on display.
func (m Model) Tab() Tab { return m.tab }

// Update switches tabs, scrolls and copies.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Back):
			return m, func() tea.Msg { return BackMsg{} }
		case key.Matches(k, m.keys.Next):
			m.step(1)
			return m, nil
		case key.Matches(k, m.keys.Prev):
			m.step(-1)
			return m, nil
		case key.Matches(k, m.keys.Top):
			m.view.GotoTop()
			return m, nil
		case key.Matches(k, m.keys.Bottom):
			m.view.GotoBottom()
			return m, nil
		case key.Matches(k, m.keys.Copy):
			text := export.Curl(&m.x.Exchange)
			return m, func() tea.Msg { return CopyMsg{Text: text, What: "request as curl"} }
		}
	}
	if c, ok := msg.(tea.MouseClickMsg); ok && c.Y == 0 {
		m.clickTab(c.X)
		return m, nil
	}
	var cmd tea.Cmd
	m.view, cmd = m.view.Update(msg)
	return m, cmd
}

// clickTab switches to the tab title under column x.
func (m *Model) clickTab(x int) {
	at := 0
	for _, t := range m.tabList() {
		w := lipgloss.Width(m.tabLabel(t)) + 4
		if x >= at && x < at+w {
			m.tab = t
			m.fill()
			m.view.GotoTop()
			return
		}
		at += w
	}
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Next, m.view.KeyMap.Down, m.view.KeyMap.PageDown, m.keys.Copy, m.keys.Back}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	vk := m.view.KeyMap
	return [][]key.Binding{{m.keys.Next, m.keys.Prev, m.keys.Copy, m.keys.Back}, {vk.Up, vk.Down, vk.PageUp, vk.PageDown, vk.HalfPageUp, vk.HalfPageDown, m.keys.Top, m.keys.Bottom}}
}

// View is the tab line, a title line and the scrolled content.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var titles []string
	for _, t := range m.tabList() {
		label := m.tabLabel(t)
		if t == m.tab {
			titles = append(titles, m.theme.TabActive.Render("‹ "+label+" ›"))
		} else {
			titles = append(titles, m.theme.Tab.Render("  "+label+"  "))
		}
	}
	x := &m.x.Exchange
	status := "ERR"
	if x.Status != 0 {
		status = strconv.Itoa(x.Status)
	}
	what := table.Sanitize(fmt.Sprintf("#%d %s %s", x.ID, x.Method, x.Path))
	if op := sequence.Operation(x); op != "" {
		what += " · " + op
	}
	if x.WS != nil {
		status += " " + wsFrames(x.WS)
	}
	title := m.theme.Muted.Render(what+" → ") + m.theme.Status(x.Status).Render(status)
	if x.SpecStatus != "" && x.SpecStatus != inventory.Documented {
		title += m.theme.Muted.Render(" · ") + m.theme.Spec(x.SpecStatus).Render(table.Sanitize(sequence.SpecLabel(x.SpecStatus))+" endpoint")
	}
	lines := []string{table.Line(strings.Join(titles, ""), m.width), table.Line(title, m.width)}
	lines = append(lines, strings.Split(m.view.View(), "\n")...)
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	for i := range lines {
		lines[i] = table.Line(lines[i], m.width)
	}
	return strings.Join(lines[:m.height], "\n")
}

// tabLabel is a tab's title; the tags tab counts its tags.
func (m Model) tabLabel(t Tab) string {
	if t == TabTags {
		return t.String() + " " + strconv.Itoa(len(stats.Tags(&m.x.Exchange)))
	}
	return t.String()
}

// fill renders the tab's content into the viewport.
func (m *Model) fill() {
	var lines []string
	x := &m.x.Exchange
	th := m.theme
	section := func(s string) { lines = append(lines, th.Header.Render(s)) }
	headers := func(hs []engine.Header) {
		for _, h := range hs {
			v := table.Sanitize(h.Value)
			if engine.IsHashed(h.Value) {
				v = th.Muted.Render(v + " (hashed)")
			}
			lines = append(lines, th.Accent.Render(table.Sanitize(h.Name))+": "+v)
		}
	}
	body := func(b []string) {
		if !m.loaded {
			lines = append(lines, th.Muted.Render("loading body…"))
			return
		}
		lines = append(lines, b...)
	}
	switch m.tab {
	case TabRequest:
		// The request line is always raw, as it went on the wire: the
		// sequence decodes it for reading, and this is where to check.
		lines = append(lines, table.Sanitize(x.Method+" "+export.Target(x)), th.Muted.Render(table.Sanitize(fmt.Sprintf("host %s · client %s%s · %s", x.Host, x.ClientIP, nodeText(x.Node), x.Start.Format("2006-01-02 15:04:05.000")))), "")
		section("HEADERS")
		headers(x.ReqHeaders)
		lines = append(lines, "")
		section(fmt.Sprintf("BODY (%d bytes)", x.ReqBody.Size))
		body(m.x.ReqBody)
	case TabResponse:
		if x.Error != "" {
			lines = append(lines, th.Danger.Render("no upstream response: "+table.Sanitize(x.Error)))
		}
		lines = append(lines, th.Status(x.Status).Render(strconv.Itoa(x.Status))+th.Muted.Render(" · "+human.Duration(x.Duration)), "")
		if ws := x.WS; ws != nil {
			lines = append(lines, fmt.Sprintf("%s · ↑%d ↓%d bytes", wsFrames(ws), ws.BytesUp, ws.BytesDown))
			if ws.End != "" {
				lines = append(lines, th.Muted.Render("ended: "+table.Sanitize(ws.End)))
			}
			lines = append(lines, "")
		}
		section("HEADERS")
		headers(x.RespHeaders)
		lines = append(lines, "")
		section(fmt.Sprintf("BODY (%d bytes)", x.RespBody.Size))
		body(m.x.RespBody)
	case TabTags:
		lines = append(lines, examinedLine(x.Examined, th), "")
		if len(x.Attacks) == 0 {
			lines = append(lines, th.Muted.Render("no attack tags on this request"))
		}
		for _, t := range x.Attacks {
			typ := th.Danger.Render(table.Sanitize(t.Type))
			if t.Muted() {
				// Kept and shown, but counted nowhere: say which rule.
				typ = th.Muted.Render(table.Sanitize(t.Type) + " (muted by " + table.Sanitize(t.MutedBy) + ")")
			}
			lines = append(lines,
				typ+"  "+th.Muted.Render("rule ")+table.Sanitize(t.Rule)+"  "+th.Muted.Render("at ")+table.Sanitize(t.Point),
				"  "+th.Muted.Render("matched ")+table.Sanitize(t.Fragment))
			if t.Message != "" {
				lines = append(lines, "  "+th.Muted.Render(table.Sanitize(t.Message)))
			}
		}
	case TabMCP:
		lines = append(lines, mcpLines(x.MCP, th)...)
		lines = append(lines, "")
		section(fmt.Sprintf("RESULT (response body, %d bytes)", x.RespBody.Size))
		body(m.x.RespBody)
	case TabContext:
		names := make([]string, 0, len(x.Context))
		for n := range x.Context {
			names = append(names, n)
		}
		slices.Sort(names)
		lines = append(lines, th.Muted.Render(table.Sanitize("session "+m.session.ID+" · key "+x.KeyPoint+" · endpoint "+x.Endpoint)))
		if len(x.Flows) > 0 {
			lines = append(lines, th.Muted.Render("flows "+table.Sanitize(strings.Join(x.Flows, ", "))))
		}
		if st := x.SpecStatus; st != "" {
			line := th.Muted.Render("spec ") + th.Spec(st).Render(table.Sanitize(sequence.SpecLabel(st)))
			if meaning := sequence.SpecMeaning(st); meaning != "" {
				line += th.Muted.Render(": " + meaning)
			}
			lines = append(lines, line)
		}
		lines = append(lines, "")
		if len(names) == 0 {
			lines = append(lines, th.Muted.Render("no context values on this request"))
		}
		for _, n := range names {
			v := table.Sanitize(x.Context[n])
			if engine.IsHashed(x.Context[n]) {
				v = th.Muted.Render(v + " (hashed)")
			}
			lines = append(lines, th.Accent.Render(table.Sanitize(n))+" = "+v)
		}
	}
	m.view.SetContentLines(lines)
}

// examinedLine says which detectors examined the request, so that a
// request without tags reads as clean only when both tiers looked at it.
func examinedLine(e engine.Examination, th theme.Theme) string {
	switch {
	case e == 0:
		return th.Muted.Render("examined: not recorded (stored by an older spoor)")
	case e == engine.ExaminedOff:
		return th.Warn.Render("attack checks: off (--no-detect)")
	}
	tier1 := th.Ok.Render("checked")
	if !e.Has(engine.ExaminedTier1) {
		tier1 = th.Warn.Render("off")
	}
	var crs string
	switch {
	case e.Has(engine.ExaminedCRS):
		crs = th.Ok.Render("checked")
	case e.Pending():
		crs = th.Warn.Render("pending (load)")
	default:
		crs = th.Danger.Render("off (not checked: catch-up queue full or rules unavailable)")
	}
	return th.Muted.Render("tier 1: ") + tier1 + th.Muted.Render(" · Core Rule Set: ") + crs
}

// wsFrames is a WebSocket connection's frame counts as the title and the
// response tab show them: "ws ↑12 ↓30 frames", up being client to API.
func wsFrames(ws *engine.WebSocketInfo) string {
	return fmt.Sprintf("ws ↑%d ↓%d frames", ws.FramesUp, ws.FramesDown)
}

// nodeText names the capture node that recorded a request, when several
// publish to one workstation; a local capture shows nothing.
func nodeText(node string) string {
	if node == "" {
		return ""
	}
	return " · node " + node
}
