package sessions

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// SortKey is the column the list is sorted by. The source returns
// sessions newest first; the other keys sort what is loaded, which is the
// most recently active window of the store (the status bar says so while
// more pages remain).
type SortKey int

// Sort keys in the order s cycles through them: the list's columns, left
// to right.
const (
	SortLastSeen SortKey = iota
	SortDuration
	SortActor
	SortRole
	SortIP
	SortRequests
	Sort4xx
	SortErrors
	SortAttacks
	SortAbuse
	SortFlows
	SortKeyPoint
	sortKeys
)

// String names the sort for the status bar.
func (k SortKey) String() string {
	return [...]string{"last seen", "duration", "actor", "role", "ip", "requests", "4xx", "5xx", "attacks", "abuse", "flows", "key"}[k]
}

// column is the list column a sort key marks in the header.
func (k SortKey) column() int {
	return [...]int{colLastSeen, colDur, colActor, colRole, colIP, colReqs, col4xx, col5xx, colAttacks, colAbuse, colFlows, colKey}[k]
}

// text reports whether the key sorts words, which read A to Z, rather
// than numbers and times, which read largest and newest first.
func (k SortKey) text() bool {
	switch k {
	case SortActor, SortRole, SortIP, SortFlows, SortKeyPoint:
		return true
	}
	return false
}

// Ascending reports the direction the list shows for key k, reversed or
// not: words go A to Z and numbers largest first unless reversed.
func Ascending(k SortKey, reversed bool) bool { return k.text() != reversed }

// sorted returns list indexes in display order. Ties keep the source's
// newest-first order in either direction, so that equal rows neither
// shuffle on each reload nor flip when the order is reversed. Each
// session's key is computed once, which keeps a sort of a hundred
// thousand sessions in tens of milliseconds (BenchmarkSort).
func (m Model) sorted() []int {
	order := make([]int, 0, len(m.list))
	for i := range m.list {
		if !m.mcp || m.list[i].MCP != nil {
			order = append(order, i)
		}
	}
	if m.sort == SortLastSeen && !m.reversed {
		return order
	}
	sign := 1
	if !m.sort.text() {
		sign = -1 // numbers largest first
	}
	if m.reversed {
		sign = -sign
	}
	if m.sort.text() {
		return sortBy(order, sign, func(i int) string { return textKey(m.sort, &m.list[i]) }, strings.Compare)
	}
	return sortBy(order, sign, func(i int) int64 { return numberKey(m.sort, &m.list[i]) }, cmp.Compare[int64])
}

// keyed is a list index with its sort key.
type keyed[K any] struct {
	key K
	i   int
}

// sortBy orders list indexes by key, in the direction of sign, ties in
// index order (newest first). Keys are computed once, and the index
// breaks ties, so an unstable sort gives the stable order.
func sortBy[K any](order []int, sign int, key func(i int) K, compare func(a, b K) int) []int {
	ks := make([]keyed[K], len(order))
	for n, i := range order {
		ks[n] = keyed[K]{key(i), i}
	}
	slices.SortFunc(ks, func(a, b keyed[K]) int {
		if c := compare(a.key, b.key); c != 0 {
			return sign * c
		}
		return cmp.Compare(a.i, b.i)
	})
	for n := range ks {
		order[n] = ks[n].i
	}
	return order
}

// numberKey is a session's value in a numeric or time column.
func numberKey(k SortKey, s *engine.Session) int64 {
	switch k {
	case SortLastSeen:
		return s.LastSeen.UnixNano()
	case SortDuration:
		return int64(s.Duration())
	case SortRequests:
		return int64(s.Requests)
	case Sort4xx:
		return int64(s.ClassCount(4))
	case SortErrors:
		return int64(s.ClassCount(5) + s.ClassCount(0))
	case SortAttacks:
		return int64(s.AttackCount())
	case SortAbuse:
		if len(s.Abuse) == 0 {
			return -1
		}
		return int64(s.Abuse[0].Confidence * 1e6)
	}
	return 0
}

// textKey is a session's value in a text column, folded so that case
// does not split the order. Empty values sort last A to Z (and first when
// reversed), as "·" does in the column.
func textKey(k SortKey, s *engine.Session) string {
	var v string
	switch k {
	case SortActor:
		v = actor(s)
	case SortRole:
		v = s.Role
	case SortIP:
		// Addresses order by their bytes, so that 10.0.0.9 comes before
		// 10.0.0.10; IPv4 sorts before IPv6.
		if len(s.IPs) > 0 {
			if a, err := netip.ParseAddr(s.IPs[0]); err == nil {
				b := a.As16()
				if a.Is4() {
					return "\x00" + string(b[12:])
				}
				return "\x01" + string(b[:])
			}
			v = s.IPs[0]
		}
	case SortFlows:
		v = flows(s)
	case SortKeyPoint:
		v = s.KeyPoint
	}
	if v == "" {
		return "\uffff"
	}
	return strings.ToLower(v)
}
