package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/filter"
)

// filterState is the one filter the list applies: the expression, time
// range included (a preset rewrites its since: term), and whether it is
// switched off. The status bar, t, the filter bar and the loads all read
// it, so they cannot disagree. gen counts changes, so that a load for an
// older filter is dropped when it arrives.
type filterState struct {
	expr string
	off  bool
	gen  uint64
}

// effective is the expression the list is filtered with.
func (f filterState) effective() string {
	if f.off {
		return ""
	}
	return f.expr
}

// compiled parses the effective expression against now. It was checked
// against the vocabulary when applied, and is parsed here without it, so
// that a value the store no longer holds still filters rather than
// failing; a nil filter loads everything.
func (f filterState) compiled(now time.Time) *filter.Filter {
	expr := f.effective()
	if expr == "" {
		return nil
	}
	parsed, err := filter.ParseOptions(expr, filter.Options{Now: now})
	if err != nil {
		return nil
	}
	return parsed
}

// filterApplied switches to a new filter and reloads.
func (m *Model) filterApplied(expr string) tea.Cmd {
	m.closeInput()
	m.filter.expr, m.filter.off = expr, false
	return m.filterChanged()
}

// toggleFilter switches the filter off and on without losing it.
func (m *Model) toggleFilter() tea.Cmd {
	if m.filter.expr == "" {
		m.notice = "no filter to toggle: press f to write one, or 1, 2, 3 for a time range"
		return nil
	}
	m.filter.off = !m.filter.off
	return m.filterChanged()
}

// setRange picks a time-range preset, "" for all time: it rewrites the
// filter's since: term and switches the filter on, as applying any filter
// does.
func (m *Model) setRange(since string) tea.Cmd {
	m.filter.expr, m.filter.off = filter.WithSince(m.filter.expr, since), false
	return m.filterChanged()
}

// filterChanged bumps the generation and reloads from the first page.
func (m *Model) filterChanged() tea.Cmd {
	m.filter.gen++
	m.limit = sessionLimit
	m.sessions.SetEmptyText(m.emptyText())
	if m.loading {
		m.dirty = true
		return nil
	}
	return m.reload()
}

func (m Model) emptyText() string {
	if m.filter.effective() != "" {
		return "no session matches the filter"
	}
	return ""
}

// text is what the status bar says of the filter, if anything.
func (f filterState) text() string {
	switch {
	case f.expr == "":
		return ""
	case f.off:
		return "filter off (t): " + f.expr
	}
	return "filter: " + f.expr
}
