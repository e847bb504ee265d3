package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/internal/human"
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

	count := m.countText()
	if m.focus == focusEndpoints {
		count = m.inventoryCount()
	}
	parts := []string{seg(bar, " "+count)}
	if m.focus == focusSessions {
		switch {
		case m.sessions.Paused():
			updates := " updates waiting"
			if m.list.waiting == 1 {
				updates = " update waiting"
			}
			parts = append(parts, seg(th.Warn, "paused · "+human.Count(m.list.waiting)+updates+" · space resumes"))
		case m.sessions.Following() && m.sessions.Len() > 0 && m.err == nil:
			// An error needs the room more.
			parts = append(parts, seg(th.Ok, "following"))
		}
	}
	if m.stats != nil {
		parts = append(parts, seg(bar, human.Count(m.counters.Captured)+" captured"))
		dropped := human.Count(m.counters.Dropped) + " dropped"
		if m.counters.Dropped > 0 {
			parts = append(parts, seg(th.Danger, dropped))
		} else {
			parts = append(parts, seg(bar, dropped))
		}
		// Exchanges the Core Rule Set has yet to check are not clean:
		// the bar says how many wait, and how many it will never check.
		if m.counters.CRSPending > 0 {
			parts = append(parts, seg(th.Warn, human.Count(m.counters.CRSPending)+" CRS pending"))
		}
		if m.counters.CRSOff > 0 {
			parts = append(parts, seg(th.Danger, human.Count(m.counters.CRSOff)+" CRS off (queue full)"))
		}
	}
	if f := m.filter.text(); f != "" && m.focus != focusEndpoints {
		parts = append(parts, seg(th.Accent, table.Sanitize(f)))
	}
	if k, rev := m.sessions.Sort(); (k != sessions.SortLastSeen || rev) && m.focus == focusSessions {
		by := "by " + k.String() + " ▼"
		if sessions.Ascending(k, rev) {
			by = "by " + k.String() + " ▲"
		}
		if m.list.more {
			// A sort reorders what is loaded: the most recently active
			// sessions, which paging extends.
			by += " of " + human.Count(len(m.sessions.Sessions())) + " loaded"
		}
		parts = append(parts, seg(bar, by))
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

// position is the list's N/M indicator: the cursor's row and how many
// rows the list has, counting the pages not loaded yet when it knows
// them ("3/2,500 sessions", "2,500/2,500" at the end of a tail window)
// and saying so when it does not ("3/1,000+").
// While a search or the MCP tab narrows the list, M is what they show.
// Other screens show M alone.
func (m Model) position() string {
	row, rows := m.sessions.Position()
	narrowed := m.narrowed()
	if !narrowed {
		rows = len(m.sessions.Sessions())
		if row > 0 {
			row += m.rowOffset()
		}
	}
	of := human.Count(rows)
	if m.list.more && !narrowed {
		if m.list.total >= 0 {
			of = human.Count(m.list.total)
		} else {
			of += "+"
		}
	}
	if rows == 0 || m.focus != focusSessions {
		// Away from the list there is no cursor row to show.
		return of
	}
	return human.Count(row) + "/" + of
}

// oneLine folds a multi-line error into the single line the bar has, and
// makes it safe to print: store errors can quote captured bytes.
func oneLine(s string) string {
	return table.Sanitize(strings.Join(strings.Fields(s), " "))
}
