package tui

import (
	tea "charm.land/bubbletea/v2"
)

// listState is what the sessions list shows of the store and how it
// pages. The list holds the most recently active sessions, a page at a
// time (m.limit grows by sessionLimit as the cursor nears the end of
// what is loaded); G loads up to the real last session.
type listState struct {
	// total is the number of sessions the list would show whole, or -1
	// while more pages remain and the source cannot count them (a
	// filter's matches are only known once read).
	total int
	// full says the last load stopped at its limit: more pages remain.
	full bool
	// gen and limit are the filter generation and page limit of the
	// list on screen. A load for the same ones is a live update, which a
	// paused list holds; a new filter or page is the user's own request
	// and applies at once.
	gen   uint64
	limit int
	// held is the newest live update a paused list has not applied, and
	// waiting how many of its sessions are new or changed.
	held    *sessionsLoadedMsg
	waiting int
	// last asks the next load to put the cursor on the last session.
	last bool
}

// hold keeps a live update from a paused list and reports whether it
// did; the update is applied when the user resumes.
func (m *Model) hold(msg sessionsLoadedMsg) bool {
	if !m.sessions.Paused() || msg.gen != m.list.gen || msg.limit != m.list.limit {
		return false
	}
	m.list.held = &msg
	m.list.waiting = m.sessions.Changes(msg.sessions)
	return true
}

// show applies a load to the list. A load for a new filter or a regroup
// starts at the first row, which follows the list; one asked for by G
// ends on the last row.
func (m *Model) show(msg sessionsLoadedMsg) {
	fresh := msg.gen != m.list.gen
	m.list.gen, m.list.limit = msg.gen, msg.limit
	m.list.held, m.list.waiting = nil, 0
	m.list.full = msg.limit > 0 && len(msg.sessions) >= msg.limit
	m.list.total = msg.total
	m.sessions.SetSessions(msg.sessions)
	switch {
	case m.list.last && msg.limit == m.limit:
		// The load G asked for, not a page that was in flight before.
		m.list.last = false
		m.sessions.Last()
	case fresh:
		m.sessions.Top()
	}
	m.sessions.SetEmptyText(m.emptyText())
}

// resume applies the update held while the list was paused, or reloads
// if refreshes arrived and none was read yet.
func (m *Model) resume() tea.Cmd {
	if held := m.list.held; held != nil {
		m.show(*held)
		var rerun tea.Cmd
		if m.search.Query() != "" {
			rerun = m.search.Run(m.sessionsForSearch(), m.endpoints)
		}
		return tea.Batch(rerun, m.loadVisibleActivity(), m.loadTraffic())
	}
	return nil
}

// grow asks for another page when the cursor nears the end of a full
// window, so that scrolling pages through the store.
func (m *Model) grow() tea.Cmd {
	if !m.list.full || m.asked() || m.sessions.Index() < m.sessions.Len()-2*max(m.height, 1) {
		return nil
	}
	return m.loadLimit(m.limit + sessionLimit)
}

// asked reports whether more sessions than the list shows are asked for
// already: a page, or all of them (a limit of 0).
func (m *Model) asked() bool { return m.limit == 0 || m.limit > m.list.limit }

// toEnd answers G: when more pages remain, it loads up to the last
// session (every one, when the source cannot count them) and puts the
// cursor there when they arrive.
func (m *Model) toEnd() tea.Cmd {
	if !m.list.full || m.limit == 0 {
		return nil
	}
	m.list.last = true
	limit := 0 // all
	if m.list.total > 0 {
		// A page of slack for the sessions that arrive meanwhile.
		limit = (m.list.total/sessionLimit + 2) * sessionLimit
	}
	return m.loadLimit(limit)
}

// loadLimit reloads the list with a new page limit, now or after the
// load in flight.
func (m *Model) loadLimit(limit int) tea.Cmd {
	m.limit = limit
	m.dirty = true
	if m.loading {
		return nil
	}
	return m.reload()
}
