package abuse_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/demo"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
)

// The demo runs at Speed 5 for six seconds by default; `go test -run
// TestDemoVerdicts -demo.speed 1 -demo.for 10s` checks human pacing, which
// the end-to-end test through the real proxy uses.
var (
	demoSpeed = flag.Float64("demo.speed", 5, "speed of the demo actors in TestDemoVerdicts")
	demoFor   = flag.Duration("demo.for", 6*time.Second, "how long TestDemoVerdicts runs the demo")
)

// captureCap bounds the body bytes the test capture keeps, as the proxy
// does.
const captureCap = 64 << 10

// capture is a tiny stand-in for the proxy: it serves the demo API and
// hands every exchange, copied the way capture.Proxy copies it, to out.
type capture struct {
	api http.Handler
	out chan<- *engine.Exchange
}

// recorder keeps the status and the head of the body of a response.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	size   int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := captureCap - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	r.size += int64(len(b))
	return r.ResponseWriter.Write(b)
}

func (c capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, captureCap))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w}
	c.api.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	ip, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ",")
	x := &engine.Exchange{
		Start:       start,
		Duration:    time.Since(start),
		ClientIP:    strings.TrimSpace(ip),
		Method:      r.Method,
		Host:        r.Host,
		Path:        r.URL.Path,
		Query:       r.URL.RawQuery,
		ReqHeaders:  headers(r.Header),
		ReqBody:     engine.Body{Data: body, Size: int64(len(body))},
		Status:      rec.status,
		RespHeaders: headers(w.Header()),
		RespBody:    engine.Body{Data: bytes.Clone(rec.body.Bytes()), Size: rec.size, Truncated: rec.size > captureCap},
	}
	c.out <- x
}

func headers(h http.Header) []engine.Header {
	var out []engine.Header
	for name, vs := range h {
		for _, v := range vs {
			out = append(out, engine.Header{Name: name, Value: v})
		}
	}
	return out
}

// TestDemoVerdicts runs the real demo API and cast in-process for a few
// seconds (see demo.speed and demo.for), groups their traffic with the demo's configuration,
// and checks that each tool's main session carries the verdict its kind
// deserves, first, and that no person's session carries any.
func TestDemoVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for six seconds")
	}
	cfg, err := engine.ParseConfig(demo.Config(), "demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	analyzer, err := engine.NewAnalyzerFromConfig(cfg, engine.NewHasher([]byte("test-secret")))
	if err != nil {
		t.Fatal(err)
	}
	tracker, err := abuse.NewTracker(abuse.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	// The tracker is wired as the pipeline wires it: an observer of the
	// analyzer, scoring the live session before Process snapshots it.
	analyzer.Use(tracker)

	// sessions holds the latest snapshot of each session, as the pipeline
	// would have stored it; the analysis goroutine owns it until done.
	exchanges := make(chan *engine.Exchange, 1024)
	sessions := map[string]engine.Session{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for x := range exchanges {
			s := analyzer.Process(x)
			sessions[s.ID] = s
		}
	}()

	srv := httptest.NewServer(capture{api: demo.NewAPI(demo.APIOptions{Seed: 1}), out: exchanges})
	ctx, cancel := context.WithTimeout(t.Context(), *demoFor)
	defer cancel()
	if err := demo.RunActors(ctx, demo.ActorOptions{Target: srv.URL, Seed: 1, Speed: *demoSpeed}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	close(exchanges)
	<-done

	checkDemoVerdicts(t, sessions)
}

// wantVerdict is the verdict each tool's main session must carry first.
var wantVerdict = map[demo.Kind]string{
	demo.KindCredentialStuffer: engine.AbuseCredentialStuffing,
	demo.KindScraper:           engine.AbuseScraping,
	demo.KindEnumerator:        engine.AbuseEnumeration,
	demo.KindAttacker:          engine.AbuseSecurityCrawler,
}

// checkDemoVerdicts matches sessions to actors by address and checks them.
func checkDemoVerdicts(t *testing.T, sessions map[string]engine.Session) {
	t.Helper()
	byIP := map[string][]engine.Session{}
	for _, s := range sessions {
		for _, ip := range s.IPs {
			byIP[ip] = append(byIP[ip], s)
		}
	}
	for _, a := range demo.Cast() {
		got := byIP[a.IP]
		if len(got) == 0 {
			t.Errorf("%s (%s): no session", a.Name, a.Kind)
			continue
		}
		slices.SortFunc(got, func(x, y engine.Session) int { return y.Requests - x.Requests })
		for _, s := range got {
			t.Logf("%-8s %-18s %-28s %4d req  %s", a.Name, a.Kind, s.KeyPoint, s.Requests, describe(s.Abuse))
		}
		want, tool := wantVerdict[a.Kind]
		if !tool {
			for _, s := range got {
				if takenOver(s) {
					continue
				}
				if len(s.Abuse) > 0 {
					t.Errorf("%s (%s), a person: session %s drew %s", a.Name, a.Kind, s.ID, describe(s.Abuse))
				}
			}
			continue
		}
		// The person's session a lucky guess joined is the person's, not
		// the tool's main session, however long the person stayed.
		got = slices.DeleteFunc(got, takenOver)
		if len(got) == 0 {
			t.Errorf("%s (%s): no session of its own", a.Name, a.Kind)
			continue
		}
		main := got[0]
		if len(main.Abuse) == 0 || main.Abuse[0].Type != want {
			t.Errorf("%s (%s): main session %s (%d requests) drew %s, want %s first",
				a.Name, a.Kind, main.ID, main.Requests, describe(main.Abuse), want)
		}
	}
}

// takenOver reports whether s is a person's session that a credential
// stuffer's lucky guess joined: a login whose answer returns the person's
// token joins the session that token identifies, so the person's session
// holds the stuffer's address and must say account_takeover, first.
func takenOver(s engine.Session) bool {
	for _, a := range demo.Cast() {
		if a.Kind == demo.KindCredentialStuffer && slices.Contains(s.IPs, a.IP) {
			return len(s.Abuse) > 0 && s.Abuse[0].Type == engine.AbuseAccountTakeover
		}
	}
	return false
}

// describe prints verdicts with their detectors, for logs and failures.
func describe(vs []engine.Verdict) string {
	if len(vs) == 0 {
		return "no verdict"
	}
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(v.Type)
		b.WriteString(" ")
		b.WriteString(strconv.FormatFloat(v.Confidence, 'f', -1, 64))
		b.WriteString(" [")
		for j, d := range v.Detectors {
			if j > 0 {
				b.WriteString("; ")
			}
			b.WriteString(d.Name + ": " + d.Explain)
		}
		b.WriteString("]")
	}
	return b.String()
}
