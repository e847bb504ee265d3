package engine

import (
	"fmt"
)

// Analyzer turns a captured exchange into what the store keeps: the exchange
// assigned to its session, labelled with its context parameters, flows and
// endpoint, with secrets and hashed values replaced by their keyed hashes;
// and the session's new summary. Later stages (detection, abuse) plug in
// here. An Analyzer is not safe for concurrent use: one analysis goroutine
// owns it, and it reuses its buffers from one exchange to the next.
type Analyzer struct {
	sessions    *Sessionizer
	hasher      Hasher
	context     []contextParam
	flows       flowTable
	scope       scope
	hashSecrets bool
	secrets     []Point // well-known secret fields, scrubbed when hashSecrets

	view  View
	scrub scrubber
	segs  []string // the current path split, shared by every flow pattern

	observers []Observer
}

// NewAnalyzer returns an Analyzer grouping with opts and hashing with h, with
// the other settings of DefaultConfig (default flows, secrets hashed, no
// context parameters, everything in scope).
func NewAnalyzer(opts SessionizerOptions, h Hasher) *Analyzer {
	// The default flow table compiles (TestDefaultFlows); were it ever not
	// to, the analyzer would label no flows rather than fail.
	flows, _ := compileFlows(DefaultFlows())
	cc := compiledConfig{flows: flows, hashSecrets: true}
	return newAnalyzer(NewSessionizer(opts, h), h, cc)
}

// NewAnalyzerFromConfig returns an Analyzer applying cfg and hashing with h.
func NewAnalyzerFromConfig(cfg Config, h Hasher) (*Analyzer, error) {
	cc, err := compileConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	z := NewSessionizer(SessionizerOptions{Keys: cc.keys, Inactivity: cc.inactivity}, h)
	return newAnalyzer(z, h, cc), nil
}

func newAnalyzer(z *Sessionizer, h Hasher, cc compiledConfig) *Analyzer {
	return &Analyzer{
		sessions:    z,
		hasher:      h,
		context:     cc.context,
		flows:       cc.flows,
		scope:       cc.scope,
		hashSecrets: cc.hashSecrets,
		secrets:     secretPoints(),
	}
}

// SetContext makes later exchanges read and store cfg's context
// parameters and secret hashing, compiled as NewAnalyzerFromConfig
// compiles them. The grouping, flows, scope and every observer's state are
// kept: a context parameter changes what is recorded of an exchange, not
// which session it joins, so the open sessions and their verdicts carry
// on.
func (a *Analyzer) SetContext(cfg Config) error {
	cc, err := compileConfig(cfg)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	a.context, a.hashSecrets = cc.context, cc.hashSecrets
	return nil
}

// Sessionizer exposes the grouping state, for restore and eviction.
func (a *Analyzer) Sessionizer() *Sessionizer { return a.sessions }

// InScope reports whether x falls within the configured scope. The pipeline
// asks before Process: out-of-scope traffic is proxied but neither grouped
// nor stored.
func (a *Analyzer) InScope(x *Exchange) bool { return a.scope.contains(x) }

// Process analyses x in place and returns a snapshot of its session. After
// Process returns, x holds no clear credentials (unless the configuration
// keeps secrets clear) and no clear value of a hashed context parameter.
//
// Everything that reads values (grouping, context parameters) runs on the
// clear exchange first; then x is redacted; then the session summary is
// updated from the redacted copy, so that the session never holds what the
// exchange may not. Observers (see Use) run last, on the redacted copy and
// the live session.
func (a *Analyzer) Process(x *Exchange) Session {
	return a.Analyze(x).Clone()
}

// Analyze is Process without the copy: it returns the live session, which
// later calls keep changing. A caller that keeps the summary past the next
// call must Clone it; one that only needs the latest summary of each
// session, as a batch writer does, saves a copy per exchange.
func (a *Analyzer) Analyze(x *Exchange) *Session {
	v := &a.view
	v.reset(x)
	id := a.sessions.identify(v)

	a.scrub.reset()
	user, role := a.readContext(v, x)
	if a.hashSecrets {
		a.scrubSecrets(v)
	}
	a.segs = splitPath(x.Path, a.segs[:0])
	x.Flows = a.flows.match(x.Method, a.segs)
	x.MCP, x.GQL = v.readProtocols()
	v.reset(nil) // the view must not outlive the clear copy it read

	if a.hashSecrets {
		a.hasher.RedactSecrets(x)
	}
	if !a.scrub.empty() {
		a.scrub.exchange(x)
		for name, val := range x.Context {
			x.Context[name] = a.scrub.str(val)
		}
		user, role = a.scrub.str(user), a.scrub.str(role)
		a.scrub.protocols(x)
		// A hashed value may also stand in a grouping key's input (a
		// password that is the user agent's whole word, say): a regroup
		// reads the stored copy, so the session is the one its stored
		// values name. For every key that reads a secret itself, the two
		// agree by construction (a hash hashes to itself).
		v.reset(x)
		id = a.sessions.identify(v)
		v.reset(nil)
	}
	a.protectFragments(x)
	x.Endpoint = Endpoint(x.Path)

	s := a.sessions.assign(x, id)
	if accepted(x) {
		// A user or role the API refused (a failed login's user name, a
		// rejected token's subject) is a claim, not who the actor is: it
		// stays on the request's context, and names the session only once
		// a request carrying it is accepted.
		if s.User == "" && user != "" {
			s.User = user
		}
		if s.Role == "" && role != "" {
			s.Role = role
		}
	}
	if !a.scrub.empty() && a.scrub.str(s.Actor) != s.Actor {
		// The actor's clear name (a JWT subject, say) is a hashed value:
		// show the key's hash instead.
		s.Actor = id.Key.String() + " " + shortHash(id.Value)
	}
	for _, o := range a.observers {
		o.Observe(x, s)
	}
	return s
}

// readContext fills x.Context from the configured parameters, hashing those
// that ask for it and registering their clear values for scrubbing. It
// returns the first user and role values.
func (a *Analyzer) readContext(v *View, x *Exchange) (user, role string) {
	x.Context = nil
	for _, p := range a.context {
		val := v.Value(p.point)
		if val == "" {
			continue
		}
		if p.hash {
			h := a.hasher.Hash(val)
			a.scrub.add(val, h)
			val = h
		}
		if x.Context == nil {
			x.Context = make(map[string]string, len(a.context))
		}
		x.Context[p.point.String()] = val
		switch {
		case p.typ == ParamUser && user == "":
			user = val
		case p.typ == ParamRole && role == "":
			role = val
		}
	}
	return user, role
}

// accepted is whether the API answered the exchange without a client or
// server error, so what the request claimed about its sender stood.
func accepted(x *Exchange) bool { return x.Status > 0 && x.Status < 400 }
