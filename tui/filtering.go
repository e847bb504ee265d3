package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/filter"
)

// filterState is the filter the list applies: the expression the user
// applied, whether it is switched on, and a time-range preset that adds a
// since: term. gen counts changes, so that a load for an older filter is
// dropped when it arrives.
type filterState struct {
	expr  string
	off   bool
	since string
	gen   uint64
}

// effective is the expression the list is filtered with.
func (f filterState) effective() string {
	var parts []string
	if f.expr != "" && !f.off {
		parts = append(parts, f.expr)
	}
	if f.since != "" {
		parts = append(parts, "since:"+f.since)
	}
	return strings.Join(parts, " ")
}

// compiled parses the effective expression against now. It was checked
// when applied, so an error here can only come from a preset, which is
// well-formed; a nil filter loads everything.
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

// toggleFilter switches the applied filter off and on without losing it.
func (m *Model) toggleFilter() tea.Cmd {
	if m.filter.expr == "" {
		m.notice = "no filter to toggle: press f to write one"
		return nil
	}
	m.filter.off = !m.filter.off
	return m.filterChanged()
}

// setRange picks a time-range preset; "" shows all time.
func (m *Model) setRange(since string) tea.Cmd {
	m.filter.since = since
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
