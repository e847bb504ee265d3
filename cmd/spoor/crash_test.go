package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/store"
)

// TestKillDuringIngestLosesAtMostOneWindow drives load through a real spoor
// proxy, kills it with SIGKILL in the middle, and reopens the store: it must
// open, pass bbolt's check and the index check, hold every exchange of every
// commit spoor logged as complete, and have lost no more than one commit
// window: the batch whose commit the kill interrupted and what gathered
// behind it while that commit ran.
func TestKillDuringIngestLosesAtMostOneWindow(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer upstream.Close()
	dir := t.TempDir()
	db, logFile := filepath.Join(dir, "crash.db"), filepath.Join(dir, "spoor.log")
	addr := freePort(t)
	// A release build: under the race detector attack detection runs so
	// slowly that the capture queue, not the commit window, would decide
	// what a crash loses.
	bin := filepath.Join(dir, "spoor")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build spoor: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "proxy", "--no-tui", "--upstream", upstream.URL, "--listen", addr, "--db", db, "--log", logFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	waitListening(t, addr)

	// Load: several clients on keep-alive connections, bounded in count
	// and time, each an actor of its own.
	const (
		clients  = 8
		maxSent  = 60_000
		loadTime = 2500 * time.Millisecond
	)
	var answered, sent atomic.Int64
	ctx, stopLoad := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := 0; ctx.Err() == nil && sent.Add(1) <= maxSent; i++ {
				req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://%s/items/%d?client=%d", addr, i, c), nil)
				req.Header.Set("Cookie", fmt.Sprintf("sid=client%d", c))
				resp, err := client.Do(req)
				if err != nil {
					return // the proxy is gone, or the load is over
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					answered.Add(1)
				}
			}
		}()
	}
	time.Sleep(loadTime)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no flush, no close
		t.Fatal(err)
	}
	killed = true
	cmd.Wait()
	stopLoad()
	wg.Wait()

	commits := readCommitLog(t, logFile)
	if len(commits) == 0 {
		t.Fatal("spoor logged no commit before it was killed; the load was too light to tell anything")
	}
	last := commits[len(commits)-1]
	window := 0
	for _, c := range commits {
		window = max(window, c.n)
	}

	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("bbolt check after kill: %v", err)
	}
	if err := st.CheckIndexes(); err != nil {
		t.Fatalf("index check after kill: %v", err)
	}
	stored, _, err := st.Count()
	if err != nil {
		t.Fatal(err)
	}
	lost := int(answered.Load()) - stored - last.dropped
	rate := float64(answered.Load()) / loadTime.Seconds()
	t.Logf("answered %d (%.0f/s), stored %d, last logged commit total %d after %d commits, dropped %d; lost %d (%.0f ms of traffic), largest batch %d",
		answered.Load(), rate, stored, last.total, len(commits), last.dropped, lost, float64(lost)/rate*1000, window)
	if stored < last.total {
		t.Errorf("store holds %d exchanges, but commits totalling %d completed", stored, last.total)
	}
	// At the kill, at most the batch being committed and the one gathering
	// behind it are lost: each holds what arrived in one commit interval,
	// which the largest batch measures.
	if lost > 2*window {
		t.Errorf("lost %d exchanges, more than the %d of one commit window (batch in commit and batch gathering, %d each at most)", lost, 2*window, window)
	}
}

// commitLine is one "commit" line of spoor's log.
type commitLine struct {
	n, total, dropped int
}

// readCommitLog reads the commit lines spoor's log holds. The last line may
// be cut by the kill; it is ignored.
func readCommitLog(t *testing.T, path string) []commitLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []commitLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, " msg=commit ") {
			continue
		}
		var c commitLine
		ok := true
		for _, field := range strings.Fields(line) {
			k, v, _ := strings.Cut(field, "=")
			var dst *int
			switch k {
			case "n":
				dst = &c.n
			case "total":
				dst = &c.total
			case "dropped":
				dst = &c.dropped
			default:
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				ok = false
			}
			*dst = n
		}
		if ok && c.total > 0 {
			out = append(out, c)
		}
	}
	return out
}
