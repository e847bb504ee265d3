package abuse

// measureResources reads the resource-consumption detectors: the mean
// response size and mean server time per request, against the median
// session's. Means rather than totals, so that a long session of ordinary
// requests is not a consumer; a session asking for page sizes of ten
// thousand, or for the slowest search over and over, is.
func (t *Tracker) measureResources(ss *sessionState, m *[numDetectors]measure) {
	c := &t.cfg.Resources
	if ss.n < c.MinRequests {
		m[dResponseBytes], m[dServerTime] = measure{}, measure{}
		return
	}
	n := float64(ss.n)
	base := t.base.median(&t.base.bytesPerRequest, c.BytesDefault)
	m[dResponseBytes].reading("mean response size", unitBytes, float64(ss.respBytes)/n, base,
		above(c.BytesFloor, c.BytesFactor, base), false)
	base = t.base.median(&t.base.secondsPerRequest, c.DurationDefault.Seconds())
	m[dServerTime].reading("mean server time", unitSeconds, ss.serverTime.Seconds()/n, base,
		above(c.DurationFloor.Seconds(), c.DurationFactor, base), false)
}
