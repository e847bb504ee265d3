package demo

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// capturer wraps the API and keeps every exchange as the proxy would hand
// it to the engine, bodies included, so that tests can check what spoor
// makes of the demo's MCP and GraphQL traffic.
type capturer struct {
	api http.Handler
	mu  sync.Mutex
	got []*engine.Exchange
}

func (c *capturer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	start := time.Now()
	c.api.ServeHTTP(rec, r)
	x := &engine.Exchange{
		Start: start, Duration: time.Since(start), ClientIP: r.Header.Get("X-Forwarded-For"),
		Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.RawQuery,
		ReqBody:  engine.Body{Data: body, Size: int64(len(body))},
		Status:   rec.Code,
		RespBody: engine.Body{Data: rec.Body.Bytes(), Size: int64(rec.Body.Len())},
	}
	for name, vals := range r.Header {
		for _, v := range vals {
			x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: name, Value: v})
		}
	}
	for name, vals := range rec.Header() {
		for _, v := range vals {
			x.RespHeaders = append(x.RespHeaders, engine.Header{Name: name, Value: v})
			w.Header().Add(name, v)
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	c.mu.Lock()
	c.got = append(c.got, x)
	c.mu.Unlock()
}

func (c *capturer) exchanges() []*engine.Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*engine.Exchange(nil), c.got...)
}

// castMember returns the actor of the given kind.
func castMember(t *testing.T, kind Kind) ActorInfo {
	t.Helper()
	for _, a := range Cast() {
		if a.Kind == kind {
			return a
		}
	}
	t.Fatalf("no actor of kind %s", kind)
	return ActorInfo{}
}

// fastAgent is an actor against srv whose pauses last a thousandth of
// their human length: past the speed cap of RunActors, which a test of one
// actor need not respect.
func fastAgent(t *testing.T, kind Kind, srv *httptest.Server, seed uint64) *agent {
	pace := pacer{speed: 1000, rng: rand.New(rand.NewPCG(seed, 1))}
	return newAgent(castMember(t, kind), srv.URL, srv.Client(), testLogger(t), pace)
}

// contentType returns the media type of a header value, lowercased.
func contentType(h http.Header) string {
	ct, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(ct))
}
