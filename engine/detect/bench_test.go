package detect

import (
	"fmt"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/accesslog"
)

// typicalExchange is the exchange the tier-1 target is stated for: a GET
// with three query parameters, a few headers and a small JSON body.
func typicalExchange() *engine.Exchange {
	return &engine.Exchange{
		Start:    time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		ClientIP: "198.51.100.23",
		Method:   "GET",
		Scheme:   "https",
		Host:     "shop.example.com",
		Path:     "/api/v1/products/48213/reviews",
		Query:    "category=shoes&page=2&sort=price_asc",
		ReqHeaders: []engine.Header{
			{Name: "Host", Value: "shop.example.com"},
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
			{Name: "Accept", Value: "application/json"},
			{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
			{Name: "Referer", Value: "https://shop.example.com/products?category=shoes"},
			{Name: "Cookie", Value: "session=3f9a1c7e5b2d4a60; theme=dark"},
			{Name: "Content-Type", Value: "application/json"},
			{Name: "X-Request-Id", Value: "7c1e0f4a-9b2d-4e8a-a1f3-52c6d9e0b7aa"},
		},
		ReqBody: engine.Body{Data: []byte(`{"user":{"name":"alice","email":"alice@example.com"},"items":[{"sku":"A-1042","qty":2}],"note":"leave at the door"}`)},
	}
}

// BenchmarkTier1Typical measures tier 1 on a typical exchange. The target is
// 5 µs per exchange.
func BenchmarkTier1Typical(b *testing.B) {
	d := newTier1(b)
	x := typicalExchange()
	b.ReportAllocs()
	for b.Loop() {
		if tags := d.Tier1(x); tags != nil {
			b.Fatalf("typical exchange tagged: %v", tags)
		}
	}
}

// BenchmarkTier1Attack measures tier 1 on an exchange that carries attacks
// in several points, where it builds tags.
func BenchmarkTier1Attack(b *testing.B) {
	d := newTier1(b)
	x := typicalExchange()
	x.Query = "category=shoes%27%20union%20select%20password%20from%20users--&page=2&next=//evil.example/"
	x.ReqBody.Data = []byte(`{"user":{"name":"<img src=x onerror=alert(1)>","email":{"$ne":""}},"file":"../../etc/passwd"}`)
	b.ReportAllocs()
	for b.Loop() {
		if tags := d.Tier1(x); len(tags) == 0 {
			b.Fatal("attack exchange not tagged")
		}
	}
}

// BenchmarkTier2 measures the Core Rule Set at paranoia level 1 on the
// typical exchange, on one goroutine: its inverse is tier 2's exchanges
// per second per core. Each exchange carries its own request id, twice
// as many as the memo holds, so that every one is checked, not recalled.
func BenchmarkTier2(b *testing.B) {
	d, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	xs := make([]*engine.Exchange, 2*memoSize)
	for i := range xs {
		x := typicalExchange()
		x.ReqHeaders[7].Value = fmt.Sprintf("7c1e0f4a-9b2d-4e8a-a1f3-%012x", i)
		xs[i] = x
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := d.Tier2(xs[i%len(xs)], nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func newTier1(tb testing.TB) *Detector {
	tb.Helper()
	d, err := New(Options{NoCRS: true})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// BenchmarkTier1TypicalCold is BenchmarkTier1Typical with a path,
// User-Agent, Referer and request id never seen before on each exchange,
// so that the clean-value caches never hit: the cost of a new client.
func BenchmarkTier1TypicalCold(b *testing.B) {
	d := newTier1(b)
	const n = 4 * cacheSlots
	xs := make([]*engine.Exchange, n)
	for i := range xs {
		x := typicalExchange()
		x.Path = fmt.Sprintf("/api/v1/products/%d/reviews", 48213+i)
		x.ReqHeaders[1].Value += fmt.Sprintf(" Build/%d", i)
		x.ReqHeaders[4].Value += fmt.Sprintf("&page=%d", i)
		x.ReqHeaders[7].Value = fmt.Sprintf("7c1e0f4a-9b2d-4e8a-a1f3-%012x", i)
		xs[i] = x
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if tags := d.Tier1(xs[i%n]); tags != nil {
			b.Fatalf("typical exchange tagged: %v", tags)
		}
		i++
	}
}

// BenchmarkTier1LogLine measures tier 1 on lines of the shared access log,
// as spoor import checks them: paths, user agents and referrers repeat, as
// they do in any log, and the clean-value caches see them as they come.
func BenchmarkTier1LogLine(b *testing.B) {
	d := newTier1(b)
	xs := accesslog.Exchanges(b, 10000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.Tier1(xs[i%len(xs)])
		i++
	}
}
