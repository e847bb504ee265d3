package engine

// Analyzer turns a captured exchange into what the store keeps: the exchange
// assigned to its session with secrets hashed, and the session's new summary.
// Later stages (context parameters, flows, detection) plug in here.
type Analyzer struct {
	sessions *Sessionizer
	hasher   Hasher
}

// NewAnalyzer returns an Analyzer grouping with opts and hashing with h.
func NewAnalyzer(opts SessionizerOptions, h Hasher) *Analyzer {
	return &Analyzer{sessions: NewSessionizer(opts, h), hasher: h}
}

// Sessionizer exposes the grouping state, for restore and eviction.
func (a *Analyzer) Sessionizer() *Sessionizer { return a.sessions }

// Process analyses x in place and returns a snapshot of its session. After
// Process returns, x holds no clear credentials.
func (a *Analyzer) Process(x *Exchange) Session {
	s := a.sessions.Assign(x)
	a.hasher.RedactSecrets(x)
	return s.Clone()
}
