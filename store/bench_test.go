package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// The benchmarks below measure the store with the exchanges the regroup
// test uses (traffic). The large ones (a million exchanges, a gigabyte
// file) take minutes and run only when SPOOR_BENCH_LARGE is set; see
// BENCHMARKS.md for the commands.

// analysed returns n records as the pipeline would hand them to Write.
func analysed(b *testing.B, s *Store, n int) []ingest.Record {
	b.Helper()
	return analysedT(b, s, n)
}

func analysedT(b testing.TB, s *Store, n int) []ingest.Record {
	b.Helper()
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	xs := traffic(n, 2000, 7)
	recs := make([]ingest.Record, n)
	for i, x := range xs {
		sess := a.Process(x)
		recs[i] = ingest.Record{Exchange: x, Session: &sess}
	}
	return recs
}

// BenchmarkWrite measures Write with every index, in group commits of
// 10,000 exchanges and in one transaction per exchange; ns/op is per
// exchange.
func BenchmarkWrite(b *testing.B) {
	for _, batch := range []int{10000, 1} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) {
			s := openTemp(b, Options{})
			recs := analysed(b, s, 20_000)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for done := 0; done < b.N; {
				n := min(batch, b.N-done)
				from := done % len(recs)
				n = min(n, len(recs)-from)
				if err := s.Write(recs[from : from+n]); err != nil {
					b.Fatal(err)
				}
				done += n
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "exchanges/s")
		})
	}
}

// BenchmarkPipeline measures what a capture sustains: analysis and group
// commits together, through ingest.Pipeline, as in spoor proxy.
func BenchmarkPipeline(b *testing.B) {
	s := openTemp(b, Options{})
	xs := traffic(b.N, 2000, 3)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	ingestAll(b, s, nil, xs)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "exchanges/s")
}

// largeBench skips unless SPOOR_BENCH_LARGE is set, and returns the
// directory that keeps the large stores between runs (SPOOR_BENCH_DIR, or a
// temporary one).
func largeBench(b *testing.B) string {
	b.Helper()
	if os.Getenv("SPOOR_BENCH_LARGE") == "" {
		b.Skip("set SPOOR_BENCH_LARGE=1 to run the million-exchange benchmarks")
	}
	if dir := os.Getenv("SPOOR_BENCH_DIR"); dir != "" {
		return dir
	}
	return b.TempDir()
}

// largeStore returns the path of a store holding n exchanges of traffic
// from 5,000 actors, with bodySize bytes of response body each, building it
// on first use.
func largeStore(b *testing.B, dir string, n, bodySize int) string {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("bench-%d-%d.db", n, bodySize))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	os.Remove(path + ".tmp")
	s, err := Open(path+".tmp", Options{})
	if err != nil {
		b.Fatal(err)
	}
	body := make([]byte, bodySize)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	g := newTraffic(5000, 11, 50_000)
	ingestStream(b, s, nil, n, func(int) *engine.Exchange {
		x := g.next()
		if bodySize > 0 {
			x.RespBody = engine.Body{Data: body, Size: int64(bodySize)}
		}
		return x
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapSampler records the largest Go heap in use while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				h.peak = max(h.peak, m.HeapInuse)
			}
		}
	}()
	return h
}

// peakMB stops sampling and returns the peak in MiB.
func (h *heapSampler) peakMB() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak) / (1 << 20)
}

// BenchmarkIngestMillion streams a million exchanges from 5,000 actors
// through the pipeline into an empty store, as a capture would, and reports
// the sustained rate, the peak Go heap while ingesting and the heap still in
// use at the end (after a collection).
func BenchmarkIngestMillion(b *testing.B) {
	dir := largeBench(b)
	const n = 1_000_000
	for range b.N {
		path := filepath.Join(dir, "ingest.db")
		os.Remove(path)
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		g := newTraffic(5000, 11, 50_000)
		runtime.GC()
		heap := sampleHeap()
		start := time.Now()
		ingestStream(b, s, nil, n, func(int) *engine.Exchange { return g.next() })
		elapsed := time.Since(start)
		b.ReportMetric(n/elapsed.Seconds(), "exchanges/s")
		b.ReportMetric(heap.peakMB(), "peak-heap-MB")
		b.ReportMetric(heapMB(), "end-heap-MB")
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
		}
		s.Close()
		os.Remove(path)
	}
}

// BenchmarkRegroupMillion regroups a store of a million exchanges with the
// keys reordered and reports the time until the new grouping is in place,
// the peak Go heap, and the time to delete the previous grouping after.
func BenchmarkRegroupMillion(b *testing.B) {
	dir := largeBench(b)
	src := largeStore(b, dir, 1_000_000, 0)
	for range b.N {
		b.StopTimer()
		path := filepath.Join(dir, "regroup.db")
		os.Remove(path)
		copyFile(b, src, path)
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		keys := keyList(b, "req.query.token", "req.ip", "req.header.X-Session-Id")
		z := engine.NewSessionizer(engine.SessionizerOptions{Keys: keys}, engine.NewHasher(s.Secret()))
		runtime.GC()
		heap := sampleHeap()
		b.StartTimer()
		start := time.Now()
		r, err := s.StartRegroup(z, RegroupOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.CatchUp(context.Background()); err != nil {
			b.Fatal(err)
		}
		if err := r.Finish(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/regroup")
		b.StopTimer()
		b.ReportMetric(heap.peakMB(), "peak-heap-MB")
		// The previous grouping is deleted afterwards, in the background
		// of a capture; its time is reported apart.
		start = time.Now()
		if err := s.DropStale(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/drop-previous")
		s.Close()
		os.Remove(path)
	}
}

// BenchmarkOpenFirstPage opens a store of about a gigabyte and reads the
// first page of sessions, as spoor open does (read-only) and as a capture
// restarting on it does (read-write); ns/op is the time from open to the
// first page. The cold variant (bench_cold_linux_test.go) first drops the
// file from the page cache.
func BenchmarkOpenFirstPage(b *testing.B) {
	dir := largeBench(b)
	path := largeStore(b, dir, 1_000_000, 700)
	for _, readOnly := range []bool{true, false} {
		b.Run(fmt.Sprintf("read-only=%v", readOnly), func(b *testing.B) {
			for range b.N {
				openFirstPage(b, path, readOnly)
			}
			if fi, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
			}
		})
	}
}

func openFirstPage(b *testing.B, path string, readOnly bool) {
	b.Helper()
	s, err := Open(path, Options{ReadOnly: readOnly})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	page, err := s.Sessions(1000)
	if err != nil || len(page) != 1000 {
		b.Fatalf("first page: %d sessions, %v", len(page), err)
	}
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}
