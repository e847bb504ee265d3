package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/endpoints"
	"github.com/spoorhq/spoor/tui/theme"
)

// EndpointSource is the API inventory the endpoints view reads; the
// workstation satisfies it. Calls may do I/O, so the TUI makes them only
// inside tea.Cmds.
type EndpointSource interface {
	Endpoints(ctx context.Context) ([]inventory.Endpoint, error)
}

// noInventoryText is what I says without an EndpointSource.
const noInventoryText = "no inventory in this store"

// inventoryState is the endpoints view and how it loads. Loads are
// coalesced as the list's are: at most one in flight, and refreshes that
// arrive meanwhile cost one more load when it ends.
type inventoryState struct {
	src     EndpointSource
	view    endpoints.Model
	loading bool
	dirty   bool
	// drilled holds the list's filter from before enter listed an
	// endpoint's sessions, which esc on that list puts back.
	drilled *drilledFrom
}

// drilledFrom is the list's filter before a drill-down replaced it.
type drilledFrom struct {
	expr string
	off  bool
}

func newInventoryState(th theme.Theme, src EndpointSource, now func() time.Time) inventoryState {
	view := endpoints.New(th)
	view.SetClock(now)
	return inventoryState{src: src, view: view}
}

// endpointsLoadedMsg carries the inventory's rows.
type endpointsLoadedMsg struct {
	rows []inventory.Endpoint
	err  error
}

// loadEndpoints reads the inventory.
func loadEndpoints(src EndpointSource) tea.Cmd {
	return func() tea.Msg {
		rows, err := src.Endpoints(context.Background())
		if err != nil {
			return endpointsLoadedMsg{err: fmt.Errorf("load endpoints: %w", err)}
		}
		return endpointsLoadedMsg{rows: rows}
	}
}

// openInventory shows the endpoints view and loads its rows, or says why
// there is none.
func (m *Model) openInventory() tea.Cmd {
	if m.inv.src == nil {
		m.notice = noInventoryText
		return nil
	}
	m.focus = focusEndpoints
	return m.reloadInventory()
}

// reloadInventory loads the rows now, or after the load in flight.
func (m *Model) reloadInventory() tea.Cmd {
	if m.inv.loading {
		m.inv.dirty = true
		return nil
	}
	m.inv.loading, m.inv.dirty = true, false
	return loadEndpoints(m.inv.src)
}

// refreshInventory follows the commit signal: each coalesced refresh of
// the list reloads the rows too while the view is on display.
func (m *Model) refreshInventory() tea.Cmd {
	if m.focus != focusEndpoints || m.inv.src == nil {
		return nil
	}
	return m.reloadInventory()
}

func (m *Model) endpointsLoaded(msg endpointsLoadedMsg) tea.Cmd {
	m.inv.loading = false
	if msg.err != nil {
		m.err = msg.err
	} else {
		m.err = nil
		m.inv.view.SetEndpoints(msg.rows)
	}
	if m.inv.dirty && m.focus == focusEndpoints {
		return m.reloadInventory()
	}
	return nil
}

// drillDown lists the sessions that called an endpoint: the list with the
// endpoint's filter, the user's own kept for esc to put back.
// An endpoint the grammar cannot name (a captured method or host it
// refuses) is said so in the status bar: a filter that does not parse
// would list every session instead.
func (m *Model) drillDown(e inventory.Endpoint) tea.Cmd {
	expr := endpoints.Filter(e)
	if _, err := filter.ParseOptions(expr, filter.Options{Now: m.now()}); err != nil {
		m.err = fmt.Errorf("list the sessions of %s %s: %w", e.Method, e.Template, err)
		return nil
	}
	if m.inv.drilled == nil {
		m.inv.drilled = &drilledFrom{expr: m.filter.expr, off: m.filter.off}
	}
	m.focus = focusSessions
	m.sessions.Top()
	return m.filterApplied(expr)
}

// drillBack returns from an endpoint's sessions to the endpoints view with
// the list's own filter back in place.
func (m *Model) drillBack() tea.Cmd {
	from := m.inv.drilled
	m.inv.drilled = nil
	m.filter.expr, m.filter.off = from.expr, from.off
	m.focus = focusEndpoints
	return tea.Batch(m.filterChanged(), m.reloadInventory())
}

// inventoryCount is the status bar's count on the endpoints view:
// "3/42 endpoints", or how many a search leaves of how many.
func (m Model) inventoryCount() string {
	v := m.inv.view
	of := human.Count(v.Len())
	if v.Len() != v.Total() {
		of += " of " + human.Count(v.Total())
	}
	noun := " endpoints"
	if v.Total() == 1 {
		noun = " endpoint"
	}
	if row := v.Position(); row > 0 {
		return human.Count(row) + "/" + of + noun
	}
	return of + noun
}
