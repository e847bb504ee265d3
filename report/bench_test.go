package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// bigSource is the attacker fixture grown to n requests, every third one
// tagged, each with a 2 KiB response body.
func bigSource(n int) memSource {
	src := attackerSource()
	base := src.exchanges["abc123-1"]
	body := make([]byte, 2048)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	xs := make([]engine.Exchange, n)
	for i := range xs {
		x := base[i%len(base)]
		x.ID = uint64(i + 1)
		x.Start = base[0].Start.Add(time.Duration(i) * 100 * time.Millisecond)
		x.Path = fmt.Sprintf("/products/%d", i)
		x.RespBody = engine.Body{Data: body, Size: int64(len(body))}
		if i%3 != 0 {
			x.Attacks = nil
		}
		xs[i] = x
	}
	s := src.sessions["abc123-1"]
	s.Requests, s.LastSeen = n, xs[n-1].Start
	src.sessions["abc123-1"] = s
	src.exchanges["abc123-1"] = xs
	return src
}

// BenchmarkWrite renders a 1,000-request session; bytes/op is the size of
// the report.
func BenchmarkWrite(b *testing.B) {
	src := bigSource(1000)
	for _, f := range []Format{HTML, Markdown} {
		b.Run(string(f), func(b *testing.B) {
			var size countingWriter
			for b.Loop() {
				size = 0
				if err := Write(&size, src, []string{"abc123-1"}, Options{Format: f, Now: fixtureNow, Config: engine.DefaultConfig()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "report-bytes")
		})
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
