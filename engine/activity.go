package engine

import "time"

// ActivityBuckets is the resolution of a session's Activity.
const ActivityBuckets = 48

// activityWidth is the first bucket width of a new session's Activity.
const activityWidth = time.Second

// maxEndpoints bounds the endpoints a session summary lists, which the
// TUI's fuzzy search looks at.
const maxEndpoints = 16

// Activity counts a session's requests, and the errors among them (5xx
// and no response), in ActivityBuckets buckets of Width from the session's
// first request. When a request falls past the last bucket, neighbouring
// buckets merge and Width doubles, so the buckets always cover the whole
// session with fewer than half of them idle at the end. It is what the
// TUI draws a session's sparkline from, without reading its requests.
//
// A request older than the session's first (imports are not always in
// order) counts in the first bucket. A session stored before Activity
// existed has a zero Width.
type Activity struct {
	Width  time.Duration
	Counts [ActivityBuckets]uint32
	Errors [ActivityBuckets]uint32
}

// Add counts a request with the given status at offset from the session's
// first request; Session's own update calls it for every exchange.
func (a *Activity) Add(offset time.Duration, status int) {
	a.add(offset, failed(status))
}

// add counts a request at offset from the session's first request.
func (a *Activity) add(offset time.Duration, failed bool) {
	if a.Width <= 0 {
		a.Width = activityWidth
	}
	i := 0
	if offset > 0 {
		for offset/a.Width >= ActivityBuckets {
			a.widen()
		}
		i = int(offset / a.Width)
	}
	a.Counts[i]++
	if failed {
		a.Errors[i]++
	}
}

// widen merges pairs of buckets and doubles the width.
func (a *Activity) widen() {
	for i := range ActivityBuckets / 2 {
		a.Counts[i] = a.Counts[2*i] + a.Counts[2*i+1]
		a.Errors[i] = a.Errors[2*i] + a.Errors[2*i+1]
	}
	for i := ActivityBuckets / 2; i < ActivityBuckets; i++ {
		a.Counts[i], a.Errors[i] = 0, 0
	}
	a.Width *= 2
}

// Spread returns the requests and errors in n equal spans of the session
// from first to last, each bucket of Activity counted in the span its
// start falls in; nil for a session without Activity.
func (a *Activity) Spread(n int, first, last time.Time) (counts, errs []int) {
	if a.Width <= 0 || n <= 0 {
		return nil, nil
	}
	counts, errs = make([]int, n), make([]int, n)
	span := last.Sub(first)
	for i := range ActivityBuckets {
		if a.Counts[i] == 0 {
			continue
		}
		j := 0
		if span > 0 {
			j = int(int64(time.Duration(i)*a.Width) * int64(n) / int64(span))
		}
		j = min(max(j, 0), n-1)
		counts[j] += int(a.Counts[i])
		errs[j] += int(a.Errors[i])
	}
	return counts, errs
}

// failed reports whether a status counts as an error on a sparkline.
func failed(status int) bool {
	c := StatusClass(status)
	return c == 5 || c == 0
}
