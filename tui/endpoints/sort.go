package endpoints

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine/inventory"
)

// SortKey is the column the rows are sorted by.
type SortKey int

// Sort keys in the order s cycles through them: the busiest endpoints
// first, then the columns left to right.
const (
	SortRequests SortKey = iota
	SortSessions
	SortUsers
	SortErrors
	SortP50
	SortP95
	SortP99
	SortAttacks
	SortLastSeen
	SortMethod
	SortEndpoint
	SortSpec
	sortKeys
)

// String names the sort for the header and the help.
func (k SortKey) String() string {
	return [...]string{"requests", "sessions", "users", "errors", "p50", "p95", "p99", "attacks", "last seen", "method", "endpoint", "spec"}[k]
}

// column is the column a sort key marks in the header.
func (k SortKey) column() int {
	return [...]int{colReqs, colSessions, colUsers, col5xx, colP50, colP95, colP99, colAttacks, colLastSeen, colMethod, colEndpoint, colSpec}[k]
}

// text reports whether the key sorts words, which read A to Z, rather
// than numbers, which read largest first.
func (k SortKey) text() bool { return k == SortMethod || k == SortEndpoint || k == SortSpec }

// Ascending reports the direction rows show for key k: words A to Z and
// numbers largest first unless reversed.
func Ascending(k SortKey, reversed bool) bool { return k.text() != reversed }

// sorted returns the indexes of rows in display order. Ties fall back to
// method, host and template, so that equal rows keep their places from
// one refresh to the next.
func sorted(rows []inventory.Endpoint, idx []int, k SortKey, reversed bool) []int {
	sign := -1
	if k.text() {
		sign = 1
	}
	if reversed {
		sign = -sign
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		x, y := &rows[a], &rows[b]
		var c int
		if k.text() {
			c = strings.Compare(textKey(k, x), textKey(k, y))
		} else {
			c = cmp.Compare(numberKey(k, x), numberKey(k, y))
		}
		if c != 0 {
			return sign * c
		}
		return cmp.Or(strings.Compare(x.Template, y.Template), strings.Compare(x.Method, y.Method), strings.Compare(x.Host, y.Host))
	})
	return idx
}

// numberKey is an endpoint's value in a numeric or time column.
func numberKey(k SortKey, e *inventory.Endpoint) float64 {
	switch k {
	case SortRequests:
		return float64(e.Requests)
	case SortSessions:
		return float64(e.Sessions)
	case SortUsers:
		return float64(e.Users)
	case SortErrors:
		c4, c5 := classShares(e)
		return c5*1e3 + c4 // 5xx first, then 4xx
	case SortP50:
		return e.Latency.P50
	case SortP95:
		return e.Latency.P95
	case SortP99:
		return e.Latency.P99
	case SortAttacks:
		return float64(attackCount(e))
	case SortLastSeen:
		return float64(e.LastSeen.UnixNano())
	}
	return 0
}

// textKey is an endpoint's value in a text column. The spec sort puts
// what stands out first: zombie, shadow, undocumented method, documented,
// then endpoints with no status.
func textKey(k SortKey, e *inventory.Endpoint) string {
	switch k {
	case SortMethod:
		return e.Method
	case SortEndpoint:
		return e.Host + e.Template
	case SortSpec:
		rank := map[string]string{inventory.Zombie: "0", inventory.Shadow: "1", inventory.UndocumentedMethod: "2", inventory.Documented: "3"}
		if r, ok := rank[e.SpecStatus]; ok {
			return r
		}
		return "4" + e.SpecStatus
	}
	return ""
}
