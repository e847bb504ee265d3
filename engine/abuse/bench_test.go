package abuse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// benchTraffic is ten minutes of a mixed capture: forty people browsing
// and shopping, a credential stuffer, a scraper and an enumerator, in time
// order, each exchange with the session it belongs to.
func benchTraffic() ([]*engine.Exchange, []*engine.Session) {
	rng := rand.New(rand.NewPCG(7, 7))
	type item struct {
		x *engine.Exchange
		s *engine.Session
	}
	var items []item
	add := func(s *engine.Session, x *engine.Exchange) { items = append(items, item{x, s}) }
	const span = 10 * time.Minute
	for p := range 40 {
		s := &engine.Session{ID: "person" + strconv.Itoa(p)}
		ip := fmt.Sprintf("203.0.113.%d", p)
		for at := time.Duration(rng.Int64N(int64(time.Minute))); at < span; at += 500*time.Millisecond + time.Duration(rng.Int64N(int64(2500*time.Millisecond))) {
			target := []string{"/products?page=" + strconv.Itoa(1+rng.IntN(50)), "/products/" + strconv.Itoa(1+rng.IntN(1000)), "/cart", "/search?q=lamp"}[rng.IntN(4)]
			add(s, get(at, target, from(ip)))
		}
	}
	stuffer := &engine.Session{ID: "stuffer"}
	for at := time.Duration(0); at < span; at += 200 * time.Millisecond {
		add(stuffer, get(at, "", login("u"+strconv.Itoa(rng.IntN(5000))), status(401), from("198.51.100.77"), ua("python-requests/2.32.3")))
	}
	scraper := &engine.Session{ID: "scraper"}
	for i, at := 0, time.Duration(0); at < span; i, at = i+1, at+50*time.Millisecond {
		add(scraper, get(at, "/products/"+strconv.Itoa(i%1000+1), from("203.0.113.200"), ua("Scrapy/2.11 (+https://scrapy.org)")))
	}
	enumerator := &engine.Session{ID: "enumerator"}
	for i, at := 0, time.Duration(0); at < span; i, at = i+1, at+100*time.Millisecond {
		add(enumerator, get(at, "/users/"+strconv.Itoa(i%520+1), from("192.0.2.99"), ua("PostmanRuntime/7.42.0")))
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.x.Start.Compare(b.x.Start) })
	xs := make([]*engine.Exchange, len(items))
	ss := make([]*engine.Session, len(items))
	for i, it := range items {
		xs[i], ss[i] = it.x, it.s
	}
	return xs, ss
}

// BenchmarkObserve measures the amortised cost of one exchange, verdict
// recomputations included. The traffic replays in a loop, shifted ten
// minutes forward each round so that time keeps moving.
func BenchmarkObserve(b *testing.B) {
	xs, ss := benchTraffic()
	tr, err := NewTracker(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(xs) {
			i = 0
			for _, x := range xs {
				x.Start = x.Start.Add(10 * time.Minute)
			}
		}
		tr.Observe(xs[i], ss[i])
		i++
	}
}

func BenchmarkClassifyUA(b *testing.B) {
	c := newUAClassifier()
	b.ReportAllocs()
	for b.Loop() {
		c.classify("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	}
}
