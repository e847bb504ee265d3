package abuse

import (
	"time"

	"github.com/spoorhq/spoor/engine"
)

// sessionState is the tracker's incremental view of one session part:
// counters that one exchange updates in constant time, and the verdicts
// last computed from them.
type sessionState struct {
	n                   int
	firstSeen, lastSeen time.Time
	// ipAddr is the address of the latest request, whose ipState the
	// session-rotation and fragment detectors read.
	ipAddr string
	key    *keyState
	ip     *ipState

	// ua is the latest User-Agent and uaInfo the most telling class seen:
	// a bot that rotates its User-Agent is judged by its worst one.
	ua     string
	uaInfo UA
	uaNote string

	intervals intervals
	// endpoints counts templates, resources paths with their query, and
	// harvested the resources read with a 2xx GET.
	endpoints, resources, harvested distinct
	endpointCounts                  map[string]int32
	clientErrors, notFound          int
	respBytes                       int64
	serverTime                      time.Duration
	templates                       []*template

	auth     authCounters
	takeover takeover
	// attacks is the session's attack-tag count, as detection left it.
	attacks int

	// verdicts are the last computed verdicts, shared with every snapshot
	// handed out since; a recomputation replaces the slice, never edits it.
	verdicts []engine.Verdict
	// dirty asks for a recomputation at the next exchange: a counter has
	// just crossed a threshold.
	dirty bool
	// since counts the exchanges since the last recomputation.
	since int
}

// reset empties the state for a new session, keeping the storage of its
// distinct counters, endpoint counts and template list.
func (ss *sessionState) reset() {
	counts := ss.endpointCounts
	clear(counts)
	clear(ss.templates)
	*ss = sessionState{
		endpoints:      ss.endpoints.emptied(),
		resources:      ss.resources.emptied(),
		harvested:      ss.harvested.emptied(),
		endpointCounts: counts,
		templates:      ss.templates[:0],
	}
}

// observeSession folds one exchange into the session's counters.
func (t *Tracker) observeSession(ss *sessionState, x *engine.Exchange, endpoint string) {
	if ss.n == 0 || x.Start.Before(ss.firstSeen) {
		ss.firstSeen = x.Start
	}
	if x.Start.After(ss.lastSeen) {
		ss.lastSeen = x.Start
	}
	ss.n++
	ss.intervals.add(x.Start, t.cfg.Regularity.PauseFactor)
	if ua := x.UserAgent(); ua != ss.ua || ss.n == 1 {
		ss.ua = ua
		if info, note := t.ua.classify(ua); ss.n == 1 || info.Class > ss.uaInfo.Class {
			ss.uaInfo, ss.uaNote = info, note
			ss.dirty = true
		}
	}
	ss.observeEndpoint(endpoint, x.Path, x.Query, x.Method, x.Status)
	ss.observeObject(endpoint, x.Path, x.Status, t.cfg.Enumeration.MinIDs)
	ss.respBytes += x.RespBody.Size
	ss.serverTime += x.Duration
}
