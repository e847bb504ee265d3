package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui/sparkline"
)

// benchStore returns a store of exchanges spread over sessions, built once
// in SPOOR_BENCH_DIR (or a temporary directory). Building it takes a
// while, which is why only the benchmark, never `go test`, asks for it.
func benchStore(b *testing.B, exchanges, sessions int) *store.Store {
	b.Helper()
	dir := os.Getenv("SPOOR_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("tui-bench-%d-%d.db", exchanges, sessions))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		os.Remove(tmp)
		st, err := store.Open(tmp, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
		start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		paths := []string{"/api/v1/login", "/api/v1/users/42", "/api/v1/orders", "/api/v1/cart", "/static/app.js"}
		batch := make([]ingest.Record, 0, 10_000)
		for i := range exchanges {
			actor := i % sessions
			x := &engine.Exchange{
				Start:    start.Add(time.Duration(i) * 50 * time.Millisecond),
				Duration: time.Duration(1+i%300) * time.Millisecond,
				ClientIP: fmt.Sprintf("10.%d.%d.%d", actor>>16&255, actor>>8&255, actor&255),
				Method:   []string{"GET", "GET", "POST"}[i%3],
				Host:     "api.example.test",
				Path:     paths[i%len(paths)],
				Status:   []int{200, 200, 200, 404, 500, 201}[i%6],
				ReqHeaders: []engine.Header{
					{Name: "Session-Id", Value: fmt.Sprintf("sess-%06d", actor)},
					{Name: "User-Agent", Value: fmt.Sprintf("bench-client/%d", actor%50)},
				},
				RespBody: engine.Body{Size: int64(100 + i%5000)},
			}
			batch = append(batch, ingest.Record{Exchange: x, Session: a.Analyze(x)}) // written before the next Analyze
			if len(batch) == cap(batch) {
				if err := st.Write(batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if err := st.Write(batch); err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkKeystrokeToFrame measures what a keystroke costs the UI
// goroutine on a store of 1M exchanges in 100k sessions: Update with the
// key, then View, and the same for every message the key's commands
// bring back (a page load, a search result, a request list). The commands
// themselves run off the UI goroutine in a real program and are not
// timed. It reports the p50, p99 and worst frame.
//
//	go test ./tui -run '^$' -bench KeystrokeToFrame -benchtime 1x
func BenchmarkKeystrokeToFrame(b *testing.B) {
	st := benchStore(b, 1_000_000, 100_000)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	script := []tea.Msg{}
	for range 40 {
		script = append(script, down)
	}
	script = append(script, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgDown}, press('s'), press('s'), press('g'))
	script = append(script, press('/'), press('s'), press('e'), press('s'), press('s'), press('-'), press('0'), press('4'), keyEnter)
	script = append(script, keyEsc, press('/'), keyEsc, keyEnter)
	for range 30 {
		script = append(script, down)
	}
	script = append(script, keyEnter, tea.KeyPressMsg{Code: tea.KeyTab}, tea.KeyPressMsg{Code: tea.KeyTab}, keyEsc, keyEsc, keyEsc)
	script = append(script, press('f'), press('!'), press('s'), press('t'), press('a'), press('t'), press('u'), press('s'), press(':'), press('5'), press('x'), press('x'), keyEnter, press('t'), press('t'))
	for range 20 {
		script = append(script, tea.KeyPressMsg{Code: tea.KeyPgDown})
	}

	var frames, keyFrames []time.Duration
	slow := map[string]int{}
	for b.Loop() {
		m := New(Options{Source: st, Title: "bench", Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }})
		m.schedule = func(time.Duration, tea.Msg) tea.Cmd { return nil }
		var model tea.Model = m
		queue := append(exec(m.Init()), tea.WindowSizeMsg{Width: 160, Height: 48})
		drain := func(timed bool) {
			for len(queue) > 0 {
				msg := queue[0]
				queue = queue[1:]
				t0 := time.Now()
				next, cmd := model.Update(msg)
				_ = next.View()
				if timed {
					d := time.Since(t0)
					frames = append(frames, d)
					if _, ok := msg.(tea.KeyPressMsg); ok {
						keyFrames = append(keyFrames, d)
					}
					if d > 16*time.Millisecond {
						slow[fmt.Sprintf("%T", msg)]++
					}
				}
				model = next
				queue = append(queue, exec(cmd)...)
			}
		}
		drain(false)
		if got := model.(Model); got.sessions.Len() == 0 {
			b.Fatalf("no sessions loaded from the bench store (error: %v)", got.err)
		}
		for _, k := range script {
			queue = append(queue, k)
			drain(true)
		}
	}
	if len(slow) > 0 {
		b.Logf("frames over 16ms by message: %v", slow)
	}
	pct := func(ds []time.Duration, p int) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)*p/100, len(ds)-1)]) / float64(time.Millisecond)
	}
	// key-* are frames a keystroke draws; frame-* add the frames that
	// loads finishing in the background draw.
	b.ReportMetric(pct(keyFrames, 50), "key-p50-ms")
	b.ReportMetric(pct(keyFrames, 99), "key-p99-ms")
	b.ReportMetric(pct(frames, 99), "frame-p99-ms")
	b.ReportMetric(pct(frames, 100), "frame-max-ms")
	b.ReportMetric(float64(len(keyFrames)), "keys")
}

// BenchmarkSparklineLoad measures drawing the sparklines of a screenful of
// 50 session rows on a store of 200k exchanges in 2,000 sessions (100
// requests a session): from the sessions' requests, as loadActivity did
// before summaries kept activity buckets, and from the summaries, as it
// does now. The summary path is handed no store at all, so it cannot read
// an exchange; the first path reports the exchanges it read per screen.
//
//	go test ./tui -run '^$' -bench SparklineLoad
func BenchmarkSparklineLoad(b *testing.B) {
	st := benchStore(b, 200_000, 2_000)
	list, err := st.Sessions(50)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("requests", func(b *testing.B) {
		read := 0
		for b.Loop() {
			for i := range list {
				s := &list[i]
				xs, err := st.Requests(s.ID)
				if err != nil {
					b.Fatal(err)
				}
				read += len(xs)
				times, errs := make([]time.Time, len(xs)), make([]bool, len(xs))
				for j := range xs {
					times[j] = xs[j].Start
					errs[j] = xs[j].Status >= 500
				}
				_ = sparkline.Bucket(activityBuckets, s.FirstSeen, s.LastSeen, times, errs)
			}
		}
		b.ReportMetric(float64(read)/float64(b.N), "exchanges/screen")
	})
	b.Run("summary", func(b *testing.B) {
		drawn := 0
		for b.Loop() {
			msg := loadActivity(list)().(activityLoadedMsg)
			for _, r := range msg.rows {
				if len(r.series.Counts) > 0 {
					drawn++
				}
			}
		}
		if drawn != b.N*len(list) {
			b.Fatalf("drew %d sparklines, want %d", drawn, b.N*len(list))
		}
		b.ReportMetric(0, "exchanges/screen")
	})
}
