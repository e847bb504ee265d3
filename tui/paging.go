package tui

import (
	tea "charm.land/bubbletea/v2"
)

// listState is what the sessions list shows of the store and how it
// pages. The list holds a window of the store's order, a page at a time:
// its head (the most recently active sessions), growing downwards as the
// cursor nears its end, or after G its tail (the least recently active),
// growing upwards as the cursor nears its top; g goes back to the head.
// A source that cannot read its tail or count its sessions, or a filter,
// has G read every session instead.
type listState struct {
	// total is the number of sessions the list would show whole, or -1
	// while more pages remain and the source cannot count them (a
	// filter's matches are only known once read).
	total int
	// more says pages remain beyond the window: below the head, or
	// above the tail.
	more bool
	// tail asks loads for the tail window; shownTail says the list on
	// screen is one.
	tail, shownTail bool
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
	// last and first ask the next load of m.limit sessions to put the
	// cursor on the last or the first row.
	last, first bool
}

// loadList reads the window the list asks for. A new filter or regroup
// starts again from the head.
func (m *Model) loadList() tea.Cmd {
	if m.filter.gen != m.list.gen {
		m.list.tail = false
	}
	if m.list.tail {
		if src, count, ok := m.tailSource(); ok {
			return loadOldest(src, count, m.limit, m.filter.gen)
		}
	}
	return loadSessions(m.src, m.limit, m.filter.compiled(m.now()), m.filter.gen)
}

// tailSource returns the source's tail reader and counter when a tail
// window can show the list's end: no filter, and a source that has both.
func (m *Model) tailSource() (oldestSource, sessionCounter, bool) {
	if m.filter.effective() != "" {
		return nil, nil, false
	}
	src, ok := m.src.(oldestSource)
	count, counts := m.src.(sessionCounter)
	return src, count, ok && counts
}

// hold keeps a live update from a paused list and reports whether it
// did; the update is applied when the user resumes.
func (m *Model) hold(msg sessionsLoadedMsg) bool {
	if !m.sessions.Paused() || msg.gen != m.list.gen || msg.limit != m.list.limit || msg.tail != m.list.shownTail {
		return false
	}
	m.list.held = &msg
	m.list.waiting = m.sessions.Changes(msg.sessions)
	return true
}

// show applies a load to the list. A load for a new filter or a regroup
// starts at the first row, which follows the list; one asked for by G
// ends on the last row, and one asked for by g on the first.
func (m *Model) show(msg sessionsLoadedMsg) {
	fresh := msg.gen != m.list.gen
	m.list.gen, m.list.limit, m.list.shownTail = msg.gen, msg.limit, msg.tail
	m.list.held, m.list.waiting = nil, 0
	m.list.more = msg.limit > 0 && len(msg.sessions) >= msg.limit
	if msg.tail {
		m.list.more = len(msg.sessions) < msg.total
	}
	m.list.total = msg.total
	m.sessions.SetSessions(msg.sessions)
	asked := msg.limit == m.limit && msg.tail == m.list.tail
	switch {
	case m.list.last && asked:
		// The load G asked for, not a page that was in flight before.
		m.list.last = false
		m.sessions.Last()
	case m.list.first && asked, fresh:
		m.list.first = false
		m.sessions.Top()
	}
	m.sessions.SetEmptyText(m.emptyText())
}

// resume applies the update held while the list was paused.
func (m *Model) resume() tea.Cmd {
	held := m.list.held
	if held == nil {
		return nil
	}
	m.show(*held)
	var rerun tea.Cmd
	if m.search.Query() != "" {
		rerun = m.search.Run(m.sessionsForSearch(), m.endpoints)
	}
	return tea.Batch(rerun, m.loadVisibleActivity(), m.loadTraffic())
}

// grow asks for another page when the cursor nears the far edge of the
// window (the end of a head, the top of a tail), so that scrolling pages
// through the store.
func (m *Model) grow() tea.Cmd {
	if !m.list.more || m.asked() || m.list.tail != m.list.shownTail {
		return nil
	}
	margin := 2 * max(m.height, 1)
	near := m.sessions.Index() >= m.sessions.Len()-margin
	if m.list.shownTail {
		near = m.sessions.Index() < margin
	}
	if !near {
		return nil
	}
	return m.loadLimit(m.limit + sessionLimit)
}

// asked reports whether more sessions than the list shows are asked for
// already: a page, or all of them (a limit of 0).
func (m *Model) asked() bool { return m.limit == 0 || m.limit > m.list.limit }

// toEnd answers G: when pages remain below the window, it loads the
// store's last page as a tail window, or every session when the source
// cannot, and puts the cursor on the last session when they arrive.
func (m *Model) toEnd() tea.Cmd {
	if !m.list.more || m.list.shownTail || m.limit == 0 {
		return nil
	}
	m.list.last, m.list.first = true, false
	if _, _, ok := m.tailSource(); ok {
		m.list.tail = true
		return m.loadLimit(sessionLimit)
	}
	limit := 0 // all
	if m.list.total > 0 {
		// A page of slack for the sessions that arrive meanwhile.
		limit = (m.list.total/sessionLimit + 2) * sessionLimit
	}
	return m.loadLimit(limit)
}

// toHome answers g on a tail window: the list goes back to its head.
func (m *Model) toHome() tea.Cmd {
	if !m.list.tail {
		return nil
	}
	m.list.tail, m.list.first, m.list.last = false, true, false
	return m.loadLimit(sessionLimit)
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

// rowOffset is how many sessions of the store's order come before the
// window: none for a head, the rest for a tail.
func (m Model) rowOffset() int {
	if !m.list.shownTail || m.list.total < 0 {
		return 0
	}
	return max(m.list.total-len(m.sessions.Sessions()), 0)
}
