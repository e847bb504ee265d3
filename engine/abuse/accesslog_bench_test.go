package abuse_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
	"github.com/spoorhq/spoor/internal/corpora"
)

// BenchmarkAnalyzeAccessLog measures the analysis of spoor import per
// line of the shared access log, the abuse tracker included: most actors
// send a few requests per session and come back, so most exchanges open or
// extend a short session of a known address and user agent. The log
// replays in rounds shifted past its own span, so that time keeps moving;
// idle parts are evicted every batch, as the ingest pipeline does.
func BenchmarkAnalyzeAccessLog(b *testing.B) {
	xs := accessLog(b)
	tr, err := abuse.NewTracker(abuse.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("bench-secret")))
	a.Use(tr)
	span := xs[len(xs)-1].Start.Sub(xs[0].Start) + 24*time.Hour
	var (
		x       engine.Exchange
		headers []engine.Header
		shift   time.Duration
		i       int
	)
	b.ReportAllocs()
	for b.Loop() {
		if i == len(xs) {
			i, shift = 0, shift+span
		}
		x = *xs[i]
		x.Start = x.Start.Add(shift)
		headers = append(headers[:0], xs[i].ReqHeaders...)
		x.ReqHeaders = headers
		a.Analyze(&x)
		if i%1024 == 1023 {
			a.Sessionizer().Evict(x.Start)
		}
		i++
	}
}

// accessLog reads the shared access log in place.
func accessLog(tb testing.TB) []*engine.Exchange {
	tb.Helper()
	path, err := corpora.Path("access-logs", "elastic_examples_apache_logs.log.gz")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var xs []*engine.Exchange
	_, err = importer.Import(context.Background(), f, importer.Options{Format: importer.FormatCombined}, func(x *engine.Exchange) error {
		xs = append(xs, x)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(xs) == 0 {
		tb.Fatal("empty access log")
	}
	return xs
}
