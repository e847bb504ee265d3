package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
)

// document is what both templates render: plain values, every one of them
// escaped by the template that prints it.
type document struct {
	Title    string
	Version  string
	Exported string
	Filter   string
	Sessions []*sessionView
	Config   configView

	src     Source
	maxBody int
}

// sessionView is one session's account.
type sessionView struct {
	ID, KeyID, KeyPoint, KeyWhy, Identity string
	Actor, User, Role                     string
	First, Last, Span                     string
	Requests                              int
	IPs, UserAgents                       []string
	Statuses                              []count
	Attacks                               []count
	Wide                                  []wideTag
	Flows                                 []count
	Verdicts                              []verdictView
	Timeline                              timeline
	Sequence                              []requestView
	Endpoints                             []endpointStats

	detail func(id uint64) (detailView, error)
}

// Detail loads one request of the session with its bodies (see
// document.Detail).
func (v *sessionView) Detail(id uint64) (detailView, error) { return v.detail(id) }

// count is a label and how often it occurred; Share is a percentage when
// the label is a share of the session's requests.
type count struct {
	Label string
	N     int
	Share string
}

type verdictView struct {
	Type       string
	Confidence string
	Sentence   string
	Detectors  []detectorView
}

type detectorView struct {
	Name, Value, Baseline, Explain string
}

// requestView is one request of the sequence, without its bodies.
type requestView struct {
	N        int
	ID       uint64
	Offset   string
	Time     string
	Method   string
	Host     string
	Target   string
	Path     string
	Endpoint string
	Status   int
	Class    string
	Duration string
	Flows    []string
	Tags     []engine.AttackTag
	// Own are the counted Tags without the session-wide types, which the
	// session's header states once; Muted are the tags a mute rule
	// covers, shown as muted and counted nowhere.
	Own   []engine.AttackTag
	Muted []engine.AttackTag
	Error string
}

// wideTag is a session-wide attack type: on how many requests, found
// where by which rules.
type wideTag struct {
	Type     string
	Requests int
	Found    []string
}

// detailView is one request opened: headers, context and bodies as stored.
type detailView struct {
	ReqHeaders  []engine.Header
	RespHeaders []engine.Header
	Context     []engine.Header
	ReqBody     bodyView
	RespBody    bodyView
	WS          *engine.WebSocketInfo
}

// bodyView is a body as the report shows it: text, or a note on why not.
type bodyView struct {
	Text string
	Note string
}

type configView struct {
	Source     string
	Keys       []engine.KeyInfo
	KeysError  string
	Context    []engine.ContextParam
	Inactivity string
	Secrets    string
}

func newDocument(src Source, ids []string, opts Options) (*document, error) {
	d := &document{
		Version:  opts.Version,
		Exported: opts.Now.UTC().Format(time.RFC3339),
		Filter:   opts.Filter,
		src:      src,
		maxBody:  opts.MaxBody,
	}
	if d.Version == "" {
		d.Version = "(unknown version)"
	}
	d.Config = newConfigView(opts)
	for _, id := range ids {
		s, err := src.Session(id)
		if err != nil {
			return nil, fmt.Errorf("report session %s: %w", id, err)
		}
		xs, err := src.Requests(id)
		if err != nil {
			return nil, fmt.Errorf("report session %s: %w", id, err)
		}
		v := newSessionView(&s, xs, d.Config.Keys)
		v.detail = d.Detail
		d.Sessions = append(d.Sessions, v)
	}
	if len(d.Sessions) == 1 {
		d.Title = "spoor report: session " + d.Sessions[0].ID
	} else {
		d.Title = "spoor report: " + strconv.Itoa(len(d.Sessions)) + " sessions"
	}
	return d, nil
}

func newConfigView(opts Options) configView {
	c := configView{
		Source:     opts.ConfigSource,
		Context:    opts.Config.Context,
		Inactivity: human.Duration(opts.Config.Grouping.Inactivity),
		Secrets:    string(opts.Config.Secrets),
	}
	if c.Secrets == "" {
		c.Secrets = string(engine.SecretsHashed)
	}
	keys, err := opts.Config.Grouping.KeyList()
	if err != nil {
		c.KeysError = err.Error()
	} else {
		c.Keys = keys.Describe()
	}
	return c
}

func newSessionView(s *engine.Session, xs []engine.Exchange, keys []engine.KeyInfo) *sessionView {
	v := &sessionView{
		ID: s.ID, KeyID: s.KeyID, KeyPoint: s.KeyPoint, Identity: s.Identity,
		Actor: s.Label(), User: s.User, Role: s.Role,
		First:    s.FirstSeen.UTC().Format(time.RFC3339Nano),
		Last:     s.LastSeen.UTC().Format(time.RFC3339Nano),
		Span:     human.Duration(s.Duration()),
		Requests: s.Requests,
		IPs:      s.IPs, UserAgents: s.UserAgents,
		KeyWhy: "not in the key list in force: the session was grouped under an earlier configuration",
	}
	if s.Actor != "" && s.Actor != v.Actor {
		v.Actor += " (" + s.Actor + ")"
	}
	for _, k := range keys {
		if k.Key == s.KeyPoint {
			v.KeyWhy = "key " + strconv.Itoa(k.Order) + " of " + strconv.Itoa(len(keys)) + ", the first with a value: " + k.Why
			break
		}
	}
	for _, code := range slices.Sorted(maps.Keys(s.StatusCounts)) {
		label := strconv.Itoa(code)
		if code == 0 {
			label = "no response"
		}
		v.Statuses = append(v.Statuses, count{Label: label, N: s.StatusCounts[code]})
	}
	v.Attacks = countsOf(s.Attacks, 0)
	v.Flows = countsOf(s.Flows, s.Requests)
	for _, vd := range s.Abuse {
		vv := verdictView{Type: vd.Type, Confidence: strconv.Itoa(int(vd.Confidence*100+0.5)) + "%", Sentence: vd.Sentence()}
		for _, det := range vd.Detectors {
			vv.Detectors = append(vv.Detectors, detectorView{
				Name: det.Name, Value: number(det.Value, det.Unit), Baseline: number(det.Baseline, det.Unit), Explain: det.Explain,
			})
		}
		v.Verdicts = append(v.Verdicts, vv)
	}
	first := s.FirstSeen
	if len(xs) > 0 && xs[0].Start.Before(first) {
		first = xs[0].Start
	}
	for i := range xs {
		v.Sequence = append(v.Sequence, newRequestView(i+1, &xs[i], first))
	}
	v.Wide = wideTags(xs)
	v.Timeline = newTimeline(xs)
	v.Endpoints = endpointsOf(xs)
	return v
}

// countsOf lists a map's counts, largest first; with total > 0 each
// carries its share of total.
func countsOf(m map[string]int, total int) []count {
	out := make([]count, 0, len(m))
	for k, n := range m {
		c := count{Label: k, N: n}
		if total > 0 {
			c.Share = strconv.Itoa(int(float64(n)*100/float64(total)+0.5)) + "%"
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Label, b.Label)
	})
	return out
}

func number(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 8 {
		s = strconv.FormatFloat(v, 'g', 4, 64)
	}
	if unit != "" && unit != "count" {
		s += " " + unit
	}
	return s
}

func newRequestView(n int, x *engine.Exchange, first time.Time) requestView {
	r := requestView{
		N: n, ID: x.ID,
		Offset: offset(x.Start.Sub(first)),
		Time:   x.Start.UTC().Format("15:04:05.000"),
		Method: x.Method, Host: x.Host, Target: x.Target(), Path: x.Path,
		Endpoint: x.Endpoint,
		Status:   x.Status, Class: statusClass(x.Status),
		Duration: human.Duration(x.Duration),
		Flows:    x.Flows, Tags: x.Attacks, Error: x.Error,
	}
	if r.Endpoint == "" {
		r.Endpoint = engine.Endpoint(x.Path)
	}
	for _, t := range x.Attacks {
		switch {
		case !t.Counted():
			r.Muted = append(r.Muted, t)
		case !slices.Contains(engine.SessionWideAttacks(), t.Type):
			r.Own = append(r.Own, t)
		}
	}
	return r
}

// wideTags sums up the session-wide tags of xs.
func wideTags(xs []engine.Exchange) []wideTag {
	var out []wideTag
	for _, typ := range engine.SessionWideAttacks() {
		w := wideTag{Type: typ}
		for i := range xs {
			seen := false
			for _, t := range xs[i].Attacks {
				if t.Type != typ || !t.Counted() {
					continue
				}
				seen = true
				if f := t.Rule + " at " + t.Point; len(w.Found) < 3 && !slices.Contains(w.Found, f) {
					w.Found = append(w.Found, f)
				}
			}
			if seen {
				w.Requests++
			}
		}
		if w.Requests > 0 {
			out = append(out, w)
		}
	}
	return out
}

// statusClass is the CSS class of a status: s2 ... s5, s0 for none.
func statusClass(code int) string { return "s" + strconv.Itoa(engine.StatusClass(code)) }

// Detail loads one request with its bodies, for the HTML template: one
// request at a time, so that a long session is never in memory with all
// its bodies.
func (d *document) Detail(id uint64) (detailView, error) {
	x, err := d.src.Exchange(id)
	if err != nil {
		return detailView{}, fmt.Errorf("report request %d: %w", id, err)
	}
	v := detailView{
		ReqHeaders: x.ReqHeaders, RespHeaders: x.RespHeaders, WS: x.WS,
		ReqBody: d.body(x.ReqBody), RespBody: d.body(x.RespBody),
	}
	for _, k := range slices.Sorted(maps.Keys(x.Context)) {
		v.Context = append(v.Context, engine.Header{Name: k, Value: x.Context[k]})
	}
	return v, nil
}

// body shows up to maxBody bytes of a body as text; binary data is
// described, not dumped.
func (d *document) body(b engine.Body) bodyView {
	if b.Size == 0 && len(b.Data) == 0 {
		return bodyView{Note: "empty"}
	}
	data := b.Data
	var notes []string
	if len(data) > d.maxBody {
		data = data[:d.maxBody]
		// A cut through a character drops its first bytes too.
		for i := 0; i < utf8.UTFMax-1 && len(data) > 0 && !utf8.Valid(data); i++ {
			data = data[:len(data)-1]
		}
		notes = append(notes, "the first "+human.Bytes(int64(len(data)))+" shown")
	}
	if b.Truncated || int64(len(b.Data)) < b.Size {
		notes = append(notes, human.Bytes(int64(len(b.Data)))+" of "+human.Bytes(b.Size)+" captured")
	}
	v := bodyView{}
	if !utf8.Valid(data) {
		notes = append(notes, human.Bytes(b.Size)+" of binary data, not shown")
	} else {
		v.Text = string(data)
	}
	if len(notes) > 0 {
		v.Note = strings.Join(notes, "; ")
	}
	return v
}

// offset is a request's time after the session's first, "+0" for the first.
func offset(d time.Duration) string {
	if d <= 0 {
		return "+0"
	}
	return "+" + human.Duration(d)
}
