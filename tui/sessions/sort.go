package sessions

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// SortKey is the column the list is sorted by. The source returns
// sessions newest first; the other keys sort what is loaded, which is the
// most recently active window of the store.
type SortKey int

// Sort keys in the order the sort key cycles through them.
const (
	SortLastSeen SortKey = iota
	SortRequests
	SortErrors
	SortAttacks
	SortAbuse
	SortDuration
	SortActor
	sortKeys
)

// String names the sort for the status bar.
func (k SortKey) String() string {
	return [...]string{"last seen", "requests", "5xx", "attacks", "abuse", "duration", "actor"}[k]
}

// sorted returns list indexes in display order. Ties keep the source's
// newest-first order, so equal rows do not shuffle on each reload.
func (m Model) sorted() []int {
	order := make([]int, 0, len(m.list))
	for i := range m.list {
		if !m.mcp || m.list[i].MCP != nil {
			order = append(order, i)
		}
	}
	by := m.sortFunc()
	if by == nil {
		return order
	}
	slices.SortStableFunc(order, func(a, b int) int { return by(&m.list[a], &m.list[b]) })
	return order
}

func (m Model) sortFunc() func(a, b *engine.Session) int {
	desc := func(f func(*engine.Session) int) func(a, b *engine.Session) int {
		return func(a, b *engine.Session) int { return cmp.Compare(f(b), f(a)) }
	}
	switch m.sort {
	case SortRequests:
		return desc(func(s *engine.Session) int { return s.Requests })
	case SortErrors:
		return desc(func(s *engine.Session) int { return s.ClassCount(5) + s.ClassCount(0) })
	case SortAttacks:
		return desc(func(s *engine.Session) int { return s.AttackCount() })
	case SortAbuse:
		return func(a, b *engine.Session) int { return cmp.Compare(confidence(b), confidence(a)) }
	case SortDuration:
		return func(a, b *engine.Session) int { return cmp.Compare(b.Duration(), a.Duration()) }
	case SortActor:
		return func(a, b *engine.Session) int { return strings.Compare(actor(a), actor(b)) }
	}
	return nil
}

func confidence(s *engine.Session) float64 {
	if len(s.Abuse) == 0 {
		return 0
	}
	return s.Abuse[0].Confidence
}
