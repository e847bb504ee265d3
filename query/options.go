package query

import (
	"fmt"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine/filter"
)

// SessionSort orders sessions; every order is newest or largest first, ties
// going to the most recently active, then to the smaller id.
type SessionSort uint8

const (
	ByLastSeen SessionSort = iota // the default: most recently active first
	ByFirstSeen
	ByRequests
	ByErrors // 4xx and 5xx responses
	ByAttacks
)

// ParseSessionSort reads a sort name as the CLI's --sort spells it.
func ParseSessionSort(name string) (SessionSort, error) {
	switch strings.ToLower(name) {
	case "", "last_seen":
		return ByLastSeen, nil
	case "first_seen":
		return ByFirstSeen, nil
	case "requests":
		return ByRequests, nil
	case "errors":
		return ByErrors, nil
	case "attacks":
		return ByAttacks, nil
	}
	return 0, fmt.Errorf("%q: want last_seen, first_seen, requests, errors or attacks", name)
}

// RequestSort orders requests: by time of capture (the default, oldest
// first, as a sequence reads), or by duration, status or size, largest
// first with ties in capture order.
type RequestSort uint8

const (
	ByTime RequestSort = iota
	ByDuration
	ByStatus
	BySize
)

// ParseRequestSort reads a sort name as the CLI's --sort spells it.
func ParseRequestSort(name string) (RequestSort, error) {
	switch strings.ToLower(name) {
	case "", "time":
		return ByTime, nil
	case "duration":
		return ByDuration, nil
	case "status":
		return ByStatus, nil
	case "size":
		return BySize, nil
	}
	return 0, fmt.Errorf("%q: want time, duration, status or size", name)
}

// Options describe a sessions query.
type Options struct {
	// Filter selects sessions; nil or empty matches every one.
	Filter *filter.Filter
	Sort   SessionSort
	// Limit stops the query after that many results; 0 means no limit.
	Limit int
	// MaxScan bounds how many sessions the query judges; 0 means no
	// bound. A query the bound stops says so in Stats.Partial.
	MaxScan int
	// MaxRequestReads bounds how many sessions' requests the query reads
	// for the terms only requests answer (method, path, endpoint, fuzzy
	// words); 0 means no bound. Stopping there is also Partial.
	MaxRequestReads int
	// Now, when set, is the reference time of the filter's relative
	// bounds (since:1h); otherwise the filter keeps the one it was parsed
	// with.
	Now time.Time
}

// RequestOptions describe a requests query.
type RequestOptions struct {
	Filter *filter.Filter
	// SessionID, when set, confines the query to that session.
	SessionID string
	Sort      RequestSort
	Limit     int
	Now       time.Time
}

// Stats report what a query read, so that a caller can say "scanned N of
// M" and never present a cut result as whole.
type Stats struct {
	// Plan names how candidates were found: "index status,attack" or
	// "walk last_seen", for instance.
	Plan string
	// Candidates is the number of ids the indexes gave, or -1 for a walk.
	Candidates int
	// Scanned is the number of sessions or requests the filter judged.
	Scanned int
	// RequestReads is the number of sessions whose requests were read.
	RequestReads int
	// Total is the number of sessions or requests in the store, or -1
	// when the source cannot count.
	Total int
	// Partial is true when MaxScan or MaxRequestReads stopped the query
	// before it had judged every candidate.
	Partial bool
}

// String says what was read: "scanned 3,000 of 322,000 (partial)".
func (s Stats) String() string {
	out := fmt.Sprintf("scanned %d", s.Scanned)
	if s.Total >= 0 {
		out += fmt.Sprintf(" of %d", s.Total)
	}
	out += " (" + s.Plan + ")"
	if s.Partial {
		out += ", partial"
	}
	return out
}

func (o Options) filter() *filter.Filter {
	if o.Filter == nil {
		return nil
	}
	if !o.Now.IsZero() {
		return o.Filter.At(o.Now)
	}
	return o.Filter
}

func (o RequestOptions) filter() *filter.Filter {
	if o.Filter == nil {
		return nil
	}
	if !o.Now.IsZero() {
		return o.Filter.At(o.Now)
	}
	return o.Filter
}
