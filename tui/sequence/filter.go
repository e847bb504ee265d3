package sequence

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/filterbar"
	"github.com/spoorhq/spoor/tui/stats"
	"github.com/spoorhq/spoor/tui/table"
)

// The sequence's own filter is written in the list's language (engine/filter)
// in the list's input (tui/filterbar), and judged the way the query layer
// judges a session's requests for `spoor requests --session ID --filter`:
// filter.MatchRequest with the session at hand, so that terms about the
// actor (user:, abuse:) hold for all of its requests or none.

// openFilter puts the filter input on screen with the applied expression.
func (m *Model) openFilter() tea.Cmd {
	m.typing = true
	m.resize()
	return m.bar.Open(m.expr)
}

// filterApplied narrows the rows to the requests expr matches; an empty
// expression shows them all.
func (m *Model) filterApplied(expr string) error {
	m.typing = false
	m.bar.Blur()
	var f *filter.Filter
	if expr != "" {
		var err error
		if f, err = filter.ParseOptions(expr, filter.Options{Now: m.now()}); err != nil {
			return err
		}
	}
	m.expr, m.flt = expr, f
	m.cursor.SetLen(0, 0)
	m.apply()
	return nil
}

// filterCancelled leaves the input and keeps the filter that was applied.
func (m *Model) filterCancelled() {
	m.typing = false
	m.bar.Blur()
	m.resize()
}

// unfilter drops the filter and the stat filter: esc's way out.
func (m *Model) unfilter() {
	m.expr, m.flt, m.chosen = "", nil, nil
	m.apply()
}

// filtered reports whether a filter or a stat filter narrows the rows.
func (m Model) filtered() bool { return m.flt != nil || m.chosen != nil }

// matches reports whether x passes the stat filter and the filter.
func (m Model) matches(x *engine.Exchange) bool {
	if m.chosen != nil && !slices.Contains(stats.Value(m.chosen.Dim, x), m.chosen.Value) {
		return false
	}
	return m.flt == nil || m.flt.MatchRequest(x, &m.session)
}

// Typing reports whether the filter input has the keyboard, which then
// receives every key but ctrl+c.
func (m Model) Typing() bool { return m.typing }

// FilterExpr is the applied filter expression, "" for none.
func (m Model) FilterExpr() string { return m.expr }

// FilterErr is the parse error of the filter being typed, or nil.
func (m Model) FilterErr() *filter.Error { return m.bar.Err() }

// updateBar hands a key to the filter input.
func (m Model) updateBar(k tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.bar, cmd = m.bar.Update(k)
	m.resize()
	return m, cmd
}

// filterLine says what narrows the rows, how many of the loaded requests
// pass, and how to see them all: "filter status:4xx · 3 of 40 requests ·
// esc shows all".
func (m Model) filterLine() string {
	th := m.theme
	var what []string
	if m.flt != nil {
		what = append(what, "filter "+table.Sanitize(m.expr))
	}
	if m.chosen != nil {
		what = append(what, "only "+strings.ToLower(m.chosen.Dim.String())+" "+table.Sanitize(m.chosen.Value))
	}
	count := human.Count(len(m.shown)) + " of " + human.Count(len(m.all)) + " " + plural(len(m.all), "request", "requests")
	return th.Accent.Render(strings.Join(what, " · ")) + th.Muted.Render(" · "+count+" · esc shows all")
}

// barView is the filter input's lines, empty when it is closed.
func (m Model) barView() []string {
	if !m.typing {
		return nil
	}
	return strings.Split(m.bar.View(), "\n")
}

// barHeight is how many lines the filter input takes.
func (m Model) barHeight() int {
	if !m.typing {
		return 0
	}
	return m.bar.Height()
}

// handleFilterMsg applies or cancels the filter the input sent.
func (m Model) handleFilterMsg(msg tea.Msg) Model {
	switch msg := msg.(type) {
	case filterbar.AppliedMsg:
		if err := m.filterApplied(msg.Expr); err != nil {
			// The input checked the expression as it was typed; a
			// relative bound that no longer parses keeps it open.
			m.typing = true
		}
	case filterbar.CancelledMsg:
		m.filterCancelled()
	}
	return m
}
