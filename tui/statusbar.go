package tui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/tui/sessions"
	"github.com/spoorhq/spoor/tui/table"
)

// statusBar renders the bottom line: how much there is, whether capture is
// losing data, and what is being watched, or the last error in its place.
func (m Model) statusBar() string {
	th := m.theme
	bar := th.StatusBar
	// Each segment carries the bar's background itself, because an inner
	// style's reset would otherwise end the bar mid-line.
	seg := func(st lipgloss.Style, s string) string { return st.Inherit(bar).Render(s) }

	parts := []string{seg(bar, " "+m.countText())}
	if m.stats != nil {
		parts = append(parts, seg(bar, strconv.FormatUint(m.counters.Captured, 10)+" captured"))
		dropped := strconv.FormatUint(m.counters.Dropped, 10) + " dropped"
		if m.counters.Dropped > 0 {
			parts = append(parts, seg(th.Danger, dropped))
		} else {
			parts = append(parts, seg(bar, dropped))
		}
		// Exchanges the Core Rule Set has yet to check are not clean:
		// the bar says how many wait, and how many it will never check.
		if m.counters.CRSPending > 0 {
			parts = append(parts, seg(th.Warn, strconv.Itoa(m.counters.CRSPending)+" CRS pending"))
		}
		if m.counters.CRSOff > 0 {
			parts = append(parts, seg(th.Danger, strconv.FormatUint(m.counters.CRSOff, 10)+" CRS off (queue full)"))
		}
	}
	if on, paused := m.sessions.Following(); on && m.focus == focusSessions {
		if paused {
			parts = append(parts, seg(th.Warn, "follow paused (G)"))
		} else {
			parts = append(parts, seg(th.Ok, "following"))
		}
	}
	if f := m.filter.text(); f != "" {
		parts = append(parts, seg(th.Accent, table.Sanitize(f)))
	}
	if k := m.sessions.Sort(); k != sessions.SortLastSeen && m.focus == focusSessions {
		parts = append(parts, seg(bar, "by "+k.String()))
	}
	switch {
	case m.err != nil:
		parts = append(parts, seg(th.Danger, "error: "+oneLine(m.err.Error())))
	case m.notice != "":
		parts = append(parts, seg(bar, oneLine(m.notice)))
	case m.title != "":
		parts = append(parts, seg(bar, table.Sanitize(m.title)))
	}
	line := table.Line(strings.Join(parts, seg(bar, " · ")), m.width)
	if pad := m.width - lipgloss.Width(line); pad > 0 {
		line += bar.Render(strings.Repeat(" ", pad))
	}
	return line
}

// oneLine folds a multi-line error into the single line the bar has, and
// makes it safe to print: store errors can quote captured bytes.
func oneLine(s string) string {
	return table.Sanitize(strings.Join(strings.Fields(s), " "))
}
