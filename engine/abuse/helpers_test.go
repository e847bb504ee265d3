package abuse

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// t0 is the start of every test timeline.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// browserUA is an ordinary browser, which votes for nothing.
const browserUA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

// step is one exchange of a test sequence and the session it belongs to.
type step struct {
	session string
	x       *engine.Exchange
}

// opt changes an exchange under construction.
type opt func(*engine.Exchange)

func ua(s string) opt       { return func(x *engine.Exchange) { setHeader(x, "User-Agent", s) } }
func from(ip string) opt    { return func(x *engine.Exchange) { x.ClientIP = ip } }
func status(code int) opt   { return func(x *engine.Exchange) { x.Status = code } }
func respBytes(n int64) opt { return func(x *engine.Exchange) { x.RespBody.Size = n } }
func took(d time.Duration) opt {
	return func(x *engine.Exchange) { x.Duration = d }
}

// login makes the exchange a login for user, as the Auth flow labels it.
func login(user string) opt {
	return func(x *engine.Exchange) {
		x.Method, x.Path, x.Endpoint = "POST", "/login", "/login"
		x.Flows = []string{"Auth"}
		body := `{"username":` + strconv.Quote(user) + `,"password":"p"}`
		x.ReqBody = engine.Body{Data: []byte(body), Size: int64(len(body))}
		setHeader(x, "Content-Type", "application/json")
	}
}

func setHeader(x *engine.Exchange, name, value string) {
	for i := range x.ReqHeaders {
		if strings.EqualFold(x.ReqHeaders[i].Name, name) {
			x.ReqHeaders[i].Value = value
			return
		}
	}
	x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: name, Value: value})
}

// get builds a GET of target at t0+at from a browser at 203.0.113.1,
// answered 200 in 20 ms with 2 KiB, then applies opts.
func get(at time.Duration, target string, opts ...opt) *engine.Exchange {
	path, query, _ := strings.Cut(target, "?")
	x := &engine.Exchange{
		Start:    t0.Add(at),
		Duration: 20 * time.Millisecond,
		ClientIP: "203.0.113.1",
		Method:   "GET",
		Host:     "api.example.com",
		Path:     path,
		Query:    query,
		Status:   200,
		RespBody: engine.Body{Size: 2048},
	}
	setHeader(x, "User-Agent", browserUA)
	for _, o := range opts {
		o(x)
	}
	if x.Endpoint == "" {
		x.Endpoint = engine.Endpoint(x.Path)
	}
	return x
}

// run feeds steps to a tracker with cfg, building sessions as the
// sessionizer would (one key per session name), and returns the tracker
// and the sessions' latest snapshots.
func run(t testing.TB, cfg Config, steps []step) (*Tracker, map[string]*engine.Session) {
	t.Helper()
	tr, err := NewTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]*engine.Session{}
	for _, st := range steps {
		s := sessions[st.session]
		if s == nil {
			s = &engine.Session{ID: st.session, KeyID: st.session}
			sessions[st.session] = s
		}
		s.Requests++
		tr.Observe(st.x, s)
	}
	return tr, sessions
}

// measures scores session id after steps and returns its detectors.
func measures(t testing.TB, cfg Config, steps []step, id string) *[numDetectors]measure {
	t.Helper()
	tr, sessions := run(t, cfg, steps)
	ss := tr.sessions[id]
	if ss == nil {
		t.Fatalf("no state for session %q", id)
	}
	ss.attacks = sessions[id].AttackCount()
	var f findings
	tr.score(ss, &tr.scratch, &f)
	m := tr.scratch
	return &m
}

// in puts every exchange in session id.
func in(id string, xs ...*engine.Exchange) []step {
	steps := make([]step, len(xs))
	for i, x := range xs {
		steps[i] = step{session: id, x: x}
	}
	return steps
}

// spaced builds n exchanges gap apart, the i-th by build(i, at).
func spaced(n int, gap time.Duration, build func(i int, at time.Duration) *engine.Exchange) []*engine.Exchange {
	xs := make([]*engine.Exchange, n)
	for i := range xs {
		xs[i] = build(i, time.Duration(i)*gap)
	}
	return xs
}

// over builds n exchanges spread evenly over span, the last exactly at
// span.
func over(n int, span time.Duration, build func(i int, at time.Duration) *engine.Exchange) []*engine.Exchange {
	xs := make([]*engine.Exchange, n)
	for i := range xs {
		xs[i] = build(i, span*time.Duration(i)/time.Duration(n-1))
	}
	return xs
}
