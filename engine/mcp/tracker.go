package mcp

import (
	"cmp"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Defaults of Options.
const (
	// DefaultErrorBurst errors within DefaultErrorWindow make a burst: an
	// agent retrying a failing tool in a loop, or a client probing for
	// methods, which a person at the keyboard does not do.
	DefaultErrorBurst  = 5
	DefaultErrorWindow = 30 * time.Second
)

// Bounds on the state one session may grow.
const (
	maxTools = 1024
	maxIPs   = 32
	// sweepEvery is how many exchanges pass between two sweeps of idle
	// state: often enough to bound memory, rarely enough to cost nothing.
	sweepEvery = 1024
)

// Options configure a Tracker. Zero values take the defaults.
type Options struct {
	// ErrorBurst errors within ErrorWindow raise mcp_error_burst.
	ErrorBurst  int
	ErrorWindow time.Duration
	// Idle is how long the state of a quiet session is kept; it should
	// match the grouping's inactivity gap (engine.DefaultInactivity).
	Idle time.Duration
}

// Tracker follows MCP sessions and records signals on them. Build it with
// NewTracker and add it to the Analyzer with Use.
type Tracker struct {
	opts     Options
	sessions map[string]*sessionState // by engine session id
	ids      map[string]*idState      // by Mcp-Session-Id value
	observed int
}

// sessionState is what the tracker remembers of one session part.
type sessionState struct {
	last time.Time
	// tools are the tools the session's tools/list answers offered, nil
	// until one was seen; after a restart it is nil again, and calls are
	// then not judged against a list the tracker never saw.
	tools map[string]*inputSchema
	// warnedInit is set once mcp_before_initialize was raised, so that a
	// session that never initialized is flagged once, not on every request.
	warnedInit bool
	// errors are the times of the latest errors, oldest first, at most
	// ErrorBurst of them.
	errors []time.Time
}

// idState is what the tracker remembers of one Mcp-Session-Id.
type idState struct {
	last time.Time
	ips  []string
}

// NewTracker returns a Tracker with opts, defaults filled in.
func NewTracker(opts Options) *Tracker {
	if opts.ErrorBurst <= 0 {
		opts.ErrorBurst = DefaultErrorBurst
	}
	if opts.ErrorWindow <= 0 {
		opts.ErrorWindow = DefaultErrorWindow
	}
	if opts.Idle <= 0 {
		opts.Idle = engine.DefaultInactivity
	}
	return &Tracker{opts: opts, sessions: map[string]*sessionState{}, ids: map[string]*idState{}}
}

// Observe checks one exchange of session s, recording signals on both. It
// returns at once for an exchange that carries no MCP.
func (t *Tracker) Observe(x *engine.Exchange, s *engine.Session) {
	if x.MCP == nil {
		return
	}
	st := t.sessions[s.ID]
	if st == nil {
		st = &sessionState{}
		t.sessions[s.ID] = st
	}
	st.last = x.Start
	t.checkAddresses(x, s)
	if len(x.MCP.Messages) > 0 {
		t.checkInitialize(x, s, st)
		learnTools(x, st)
		checkCalls(x, s, st)
	}
	t.checkErrors(x, s, st)
	t.observed++
	if t.observed%sweepEvery == 0 {
		t.sweep(x.Start)
	}
}

// sweep forgets sessions and ids quiet for longer than Idle at now.
func (t *Tracker) sweep(now time.Time) {
	for id, st := range t.sessions {
		if now.Sub(st.last) > t.opts.Idle {
			delete(t.sessions, id)
		}
	}
	for id, st := range t.ids {
		if now.Sub(st.last) > t.opts.Idle {
			delete(t.ids, id)
		}
	}
}

// sessionID is the Mcp-Session-Id of an exchange: the one the request
// sends, or the one the initialize response assigns.
func sessionID(x *engine.Exchange) string {
	return cmp.Or(x.ReqHeader("Mcp-Session-Id"), x.RespHeader("Mcp-Session-Id"))
}
