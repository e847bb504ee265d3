package abuse

import "time"

// minRateSpan is the shortest span a rate is computed over. Access logs
// have one-second resolution, and ten requests in one logged second are not
// an infinite rate.
const minRateSpan = time.Second

// rate is the session's mean request rate over its span, in requests per
// second.
func (ss *sessionState) rate() float64 {
	span := max(ss.lastSeen.Sub(ss.firstSeen), minRateSpan)
	return float64(ss.n-1) / span.Seconds()
}

// measureRate reads the rate detector: the mean rate over the session,
// against the median session's.
func (t *Tracker) measureRate(ss *sessionState, m *[numDetectors]measure) (rate float64, ok bool) {
	c := &t.cfg.Rate
	if ss.n < c.MinRequests || ss.lastSeen.Sub(ss.firstSeen) < c.MinSpan {
		m[dRate] = measure{}
		return 0, false
	}
	rate = ss.rate()
	base := t.base.median(&t.base.rate, c.Default)
	m[dRate].reading("request rate", unitRate, rate, base, above(c.Floor, c.Factor, base), false)
	return rate, true
}
