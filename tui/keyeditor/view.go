package keyeditor

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/listeditor"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// columns are the key table's: order, key, where it comes from, and why.
func columns() []table.Column {
	return []table.Column{
		{Title: "#", Min: 3, Want: 3, Align: table.Right},
		{Title: "KEY", Min: 16, Want: 32, Grow: 1},
		{Title: "ORIGIN", Min: 8, Want: 8},
		{Title: "WHY", Min: 10, Want: 60, Drop: 1, Grow: 2},
	}
}

// cells draws one effective key; the user's own stand out by origin.
func cells(th theme.Theme, r engine.KeyInfo) []table.Cell {
	origin := th.Muted
	if r.Origin == engine.OriginConfig {
		origin = th.Accent
	}
	return []table.Cell{
		{Text: fmt.Sprint(r.Order), Style: th.Muted},
		{Text: table.Sanitize(r.Key)},
		{Text: string(r.Origin), Style: origin},
		{Text: table.Sanitize(r.Why), Style: th.Muted},
	}
}

// View lists the effective keys with their origins, then the input,
// preview or progress.
func (m Model) View() string {
	th := m.theme
	builtin := "on"
	if !m.builtin {
		builtin = "off"
	}
	return m.list.View(listeditor.Frame{
		Title:  th.Accent.Render("GROUPING KEYS") + th.Muted.Render(" · first key with a value wins · built-ins "+builtin),
		Status: []string{m.status()},
	})
}

// status is the regroup's progress, a preview, or what p and A do.
func (m Model) status() string {
	th := m.theme
	switch {
	case m.list.Busy():
		return m.progressLine()
	case m.previewing:
		return th.Muted.Render("previewing…")
	case m.preview != nil:
		p := m.preview
		return fmt.Sprintf("preview: %d sessions → %d · %d merged · %d split", p.Before, p.After, p.Merged, p.Split) + th.Muted.Render(" · A applies")
	}
	return th.Muted.Render("p previews what the change does to stored sessions; A applies it")
}

// progressLine is the regroup's bar with what it has done: exchanges
// regrouped out of those stored, the bar taking the width that is left.
func (m Model) progressLine() string {
	th := m.theme
	label := "regrouping "
	counts := th.Muted.Render(fmt.Sprintf(" %d/%d exchanges", m.done, m.total))
	if m.total <= 0 {
		counts = th.Muted.Render(" reading the history…")
	}
	frac := 0.0
	if m.total > 0 {
		frac = float64(min(max(m.done, 0), m.total)) / float64(m.total)
	}
	bar := m.bar
	bar.SetWidth(min(max(m.width-lipgloss.Width(label)-lipgloss.Width(counts), 10), 60))
	return label + bar.ViewAs(frac) + counts
}
