package store

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// traffic generates n exchanges from a population of actors, in time
// order, deterministically; see trafficGen.
func traffic(n, actors int, seed uint64) []*engine.Exchange {
	g := newTraffic(actors, seed, n/20+1)
	xs := make([]*engine.Exchange, n)
	for i := range xs {
		xs[i] = g.next()
	}
	return xs
}

// trafficGen generates exchanges from a population of actors. Actors differ
// in what identifies them, so that reordering grouping keys merges some
// sessions and splits others: some send a session cookie, some an
// X-Session-Id header, some a token in the query, some several of these;
// several actors share an address (a NAT) and some rotate their user agent.
// About once in quietEvery exchanges a pause longer than the inactivity gap
// splits open sessions into parts.
type trafficGen struct {
	rng        *rand.Rand
	pop        []trafficActor
	start      time.Time
	quietEvery int
}

type trafficActor struct {
	ip, ua, cookie, header, token string
	uas                           int
}

func newTraffic(actors int, seed uint64, quietEvery int) *trafficGen {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	pop := make([]trafficActor, actors)
	for i := range pop {
		a := &pop[i]
		a.ip = fmt.Sprintf("10.%d.%d.%d", i%3, (i/3)%200, 1+i%7) // several actors per address
		a.ua = fmt.Sprintf("client/%d", i%11)
		if rng.IntN(3) == 0 {
			a.uas = 3 // rotates among three user agents
		}
		if rng.IntN(2) == 0 {
			a.cookie = fmt.Sprintf("sid=c%04d; theme=dark", i)
		}
		if rng.IntN(3) == 0 {
			a.header = fmt.Sprintf("h%04d", i/2) // two actors share each header value
		}
		if rng.IntN(4) == 0 {
			a.token = fmt.Sprintf("token=t%04d", i/3)
		}
	}
	return &trafficGen{rng: rng, pop: pop, start: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC), quietEvery: quietEvery}
}

func (g *trafficGen) next() *engine.Exchange {
	rng := g.rng
	a := g.pop[rng.IntN(len(g.pop))]
	g.start = g.start.Add(time.Duration(rng.IntN(40)) * time.Millisecond)
	if rng.IntN(g.quietEvery) == 0 {
		g.start = g.start.Add(45 * time.Minute) // a quiet spell: open sessions expire
	}
	ua := a.ua
	if a.uas > 0 {
		ua = fmt.Sprintf("%s rot%d", a.ua, rng.IntN(a.uas))
	}
	paths := [...]string{"/api/users/%d", "/api/orders/%d", "/login", "/api/items", "/admin/stats"}
	statuses := [...]int{200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 500, 503}
	path := paths[rng.IntN(len(paths))]
	if strings.HasSuffix(path, "%d") {
		path = fmt.Sprintf(path, rng.IntN(500))
	}
	x := &engine.Exchange{
		Start: g.start, Duration: time.Duration(1+rng.IntN(900)) * time.Millisecond,
		ClientIP: a.ip, Method: "GET", Host: "api.test", Path: path, Query: a.token,
		Status:     statuses[rng.IntN(len(statuses))],
		ReqHeaders: []engine.Header{{Name: "User-Agent", Value: ua}, {Name: "Accept", Value: "application/json"}},
		RespBody:   engine.Body{Size: int64(rng.IntN(4000))},
	}
	if a.cookie != "" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Cookie", Value: a.cookie})
	}
	if a.header != "" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "X-Session-Id", Value: a.header})
	}
	if rng.IntN(10) == 0 {
		x.RespBody.Data = []byte(`{"ok":true}`)
	}
	return x
}

// cloneExchanges deep-copies what analysis mutates (headers), so that one
// generated traffic can be ingested twice.
func cloneExchanges(xs []*engine.Exchange) []*engine.Exchange {
	out := make([]*engine.Exchange, len(xs))
	for i, x := range xs {
		c := *x
		c.ReqHeaders = append([]engine.Header(nil), x.ReqHeaders...)
		c.RespHeaders = append([]engine.Header(nil), x.RespHeaders...)
		out[i] = &c
	}
	return out
}

// ingestAll runs xs through a real ingest.Pipeline into s, as a capture
// would, with the grouping keys given.
func ingestAll(t testing.TB, s *Store, keys engine.KeyList, xs []*engine.Exchange) {
	t.Helper()
	ingestStream(t, s, keys, len(xs), func(i int) *engine.Exchange { return xs[i] })
}

// ingestStream runs n exchanges from next through a real pipeline.
func ingestStream(t testing.TB, s *Store, keys engine.KeyList, n int, next func(i int) *engine.Exchange) {
	t.Helper()
	a := engine.NewAnalyzer(engine.SessionizerOptions{Keys: keys}, engine.NewHasher(s.Secret()))
	src := make(chan *engine.Exchange, 1024)
	done := make(chan error, 1)
	go func() { done <- ingest.NewPipeline(a, s, ingest.Options{}).Run(src) }()
	for i := range n {
		src <- next(i)
	}
	close(src)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// keyList parses a configured key order followed by the built-in keys.
func keyList(t testing.TB, configured ...string) engine.KeyList {
	t.Helper()
	keys, err := engine.NewKeyList(configured, true)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// twinStores opens two stores that share one hashing secret, so that the
// same traffic grouped the same way yields the same session ids in both.
func twinStores(t testing.TB) (*Store, *Store) {
	t.Helper()
	dir := t.TempDir()
	first := filepath.Join(dir, "a.db")
	s, err := Open(first, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	copyFile(t, first, filepath.Join(dir, "b.db"))
	open := func(path string) *Store {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Check(); err != nil {
				t.Error(err)
			}
			if err := s.CheckIndexes(); err != nil {
				t.Error(err)
			}
			s.Close()
		})
		return s
	}
	return open(first), open(filepath.Join(dir, "b.db"))
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
