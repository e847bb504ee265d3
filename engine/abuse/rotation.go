package abuse

import "time"

// keyState is what one key value did across all its session parts: the
// addresses it came from and its logins. A part ends after an inactivity
// gap, but a key rotating through addresses, or failing logins slowly, is
// one actor across its parts.
type keyState struct {
	last     time.Time
	requests int
	ips      distinct
	auth     authCounters
}

// ipState is what one client address did across the sessions it carried.
// An address that opens a new session every few requests (dropping its
// cookie or token to dodge per-session limits) shows only here.
type ipState struct {
	last     time.Time
	requests int
	keys     distinct
	auth     authCounters
}

// measureRotation reads the rotation detectors. Both need many distinct
// values and a high share of them per request: a phone that moves from
// Wi-Fi to mobile data shows two or three addresses over hundreds of
// requests, and a browser that logs out and in gets a new cookie per visit,
// not per request.
func (t *Tracker) measureRotation(ss *sessionState, m *[numDetectors]measure) {
	c := &t.cfg.Rotation
	if ks := ss.key; ks != nil {
		n := ks.ips.count()
		m[dIPRotation].reading("addresses of this key", unitCount, float64(n), 1, float64(c.KeyIPs), false)
		m[dIPRotation].approx = ks.ips.estimated()
		share := float64(n) / float64(max(ks.requests, 1))
		m[dIPRotation].fired = m[dIPRotation].fired && share >= c.IPsPerRequest
		if m[dIPRotation].fired {
			m[dIPRotation].note = formatValue(share, "") + " new addresses per request: one actor behind rotating proxies"
		}
	} else {
		m[dIPRotation] = measure{}
	}
	if ip := ss.ip; ip != nil {
		n := ip.keys.count()
		m[dSessionRotation].reading("keys from ", unitCount, float64(n), 1, float64(c.IPKeys), false)
		m[dSessionRotation].subject = ss.ipAddr
		m[dSessionRotation].approx = ip.keys.estimated()
		share := float64(n) / float64(max(ip.requests, 1))
		m[dSessionRotation].fired = m[dSessionRotation].fired && share >= c.KeysPerRequest
		if m[dSessionRotation].fired {
			m[dSessionRotation].note = formatValue(share, "") + " new keys per request: sessions thrown away to dodge per-session limits"
		}
	} else {
		m[dSessionRotation] = measure{}
	}
}
