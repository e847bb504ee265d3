package accesslog

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/corpora"
)

// Exchanges reads the first n lines of the shared access log, or all of
// them when n <= 0.
func Exchanges(tb testing.TB, n int) []*engine.Exchange {
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
		if n <= 0 || len(xs) < n {
			xs = append(xs, x)
		}
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

// Replay analyses a copy of one exchange of xs with a per iteration of b's
// loop. Most actors of the log send a few requests per session and come
// back, so the same address and user agent are grouped again and again.
// The log replays in rounds shifted past its own span, so that time keeps
// moving and each round opens new session parts of the same actors; idle
// parts are evicted every 1,024 exchanges, as the ingest pipeline does
// after each batch.
func Replay(b *testing.B, a *engine.Analyzer, xs []*engine.Exchange) {
	b.Helper()
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
