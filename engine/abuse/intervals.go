package abuse

import (
	"math"
	"time"
)

// minPauseSample is how many intervals the running mean needs before a long
// gap can be told apart as a pause.
const minPauseSample = 4

// intervals keeps the running mean and variance (Welford) of the gaps
// between a session's requests, leaving out pauses: a tool that sends
// batches and rests between them is as regular within its batches as one
// that never rests, and its rests must not hide that.
type intervals struct {
	started bool
	last    time.Time
	n       int
	mean    float64 // seconds
	m2      float64
	pauses  int
}

// add records a request at t. Requests out of order (an access log's
// second resolution, a proxy's concurrent requests) count as a gap of zero.
func (iv *intervals) add(t time.Time, pauseFactor float64) {
	if !iv.started {
		iv.started, iv.last = true, t
		return
	}
	gap := t.Sub(iv.last).Seconds()
	if gap < 0 {
		gap = 0
	} else {
		iv.last = t
	}
	if iv.n >= minPauseSample && gap > pauseFactor*iv.mean {
		iv.pauses++
		return
	}
	iv.n++
	d := gap - iv.mean
	iv.mean += d / float64(iv.n)
	iv.m2 += d * (gap - iv.mean)
}

// cv is the coefficient of variation of the intervals kept: the standard
// deviation over the mean. People browsing measure about 1, tools well
// under 0.3.
func (iv *intervals) cv() float64 {
	if iv.n < 2 || iv.mean <= 0 {
		return 0
	}
	return math.Sqrt(iv.m2/float64(iv.n-1)) / iv.mean
}

// measureRegularity reads the regularity detector. It needs enough
// intervals, a mean gap above a millisecond (below that the clock, not the
// client, sets the rhythm), and more intervals than pauses several times
// over: a session that mostly pauses is bursty, not regular.
func (t *Tracker) measureRegularity(ss *sessionState, m *[numDetectors]measure) (cv float64, ok bool) {
	c := &t.cfg.Regularity
	iv := &ss.intervals
	ok = iv.n >= c.MinIntervals && iv.mean > 0.001 && iv.pauses*4 <= iv.n
	if !ok {
		m[dRegularity] = measure{}
		return 0, false
	}
	cv = iv.cv()
	base := t.base.median(&t.base.cv, c.Default)
	m[dRegularity].reading("coefficient of variation of request intervals", unitCV, cv, base, min(c.MaxCV, c.Factor*base), true)
	if m[dRegularity].fired {
		m[dRegularity].note = "requests every " + formatValue(iv.mean, unitSeconds) + " like clockwork"
	}
	return cv, true
}
