package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/store"
)

// truncatedFixture is a generated file, the records it holds, and which of
// them are not requests (bad lines).
type truncatedFixture struct {
	name      string
	one, noun string // "line" and "lines", or "entry" and "entries"
	content   string
	// records holds each record's bytes, in order; bad marks those
	// that are not requests.
	records []string
	bad     map[int]bool
	// end tells whether the readable part of a cut file holds record i
	// whole, and started whether it holds the start of record i.
	end, started func(readable string, i int) bool
}

// accessLogFixture writes n combined lines a second apart, every sixth one
// written twice (a retried request is two requests) and every 97th not a log
// line at all.
func accessLogFixture(n int) truncatedFixture {
	f := truncatedFixture{name: "access.log.gz", one: "line", noun: "lines", bad: map[int]bool{}}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range n {
		line := fmt.Sprintf("192.0.2.%d - - [%s] \"GET /items/%d?p=%d HTTP/1.1\" 200 %d \"-\" \"curl/8.%d\"\n",
			i%9, t0.Add(time.Duration(i)*time.Second).Format("02/Jan/2006:15:04:05 -0700"), i%13, i, 100+i, i%3)
		if i%97 == 50 {
			f.bad[len(f.records)] = true
			line = "a line no server wrote\n"
		}
		f.records = append(f.records, line)
		if i%6 == 0 {
			f.records = append(f.records, line)
			f.bad[len(f.records)-1] = f.bad[len(f.records)-2]
		}
	}
	f.content = strings.Join(f.records, "")
	f.end = lineEnd(f.records)
	f.started = lineStarted(f.records)
	return f
}

// jsonLinesFixture writes n JSON lines, every fifth one twice.
func jsonLinesFixture(n int) truncatedFixture {
	f := truncatedFixture{name: "events.jsonl.gz", one: "line", noun: "lines", bad: map[int]bool{}}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range n {
		line := fmt.Sprintf(`{"time":%q,"ip":"192.0.2.%d","method":"POST","path":"/v1/orders/%d","status":201,"bytes":%d,"duration_ms":%d}`+"\n",
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%5, i%17, i, i%40)
		f.records = append(f.records, line)
		if i%5 == 0 {
			f.records = append(f.records, line)
		}
	}
	f.content = strings.Join(f.records, "")
	f.end = lineEnd(f.records)
	f.started = lineStarted(f.records)
	return f
}

// harFixture writes a HAR file of n entries, one a line.
func harFixture(n int) truncatedFixture {
	f := truncatedFixture{name: "capture.har.gz", one: "entry", noun: "entries", bad: map[int]bool{}}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	head := `{"log":{"version":"1.2","creator":{"name":"spoor-test","version":"1"},"entries":[` + "\n"
	for i := range n {
		entry := fmt.Sprintf(`{"startedDateTime":%q,"time":2.5,"request":{"method":"GET","url":"http://api.test/v1/items/%d","headers":[{"name":"X-Session-Id","value":"s-%d"}]},"response":{"status":200,"headers":[],"content":{"size":12,"text":"{\"id\":%06d}"}},"_clientIP":"192.0.2.%d"}`,
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i, i%6, i, i%4)
		f.records = append(f.records, entry)
	}
	f.content = head + strings.Join(f.records, ",\n") + "\n]}}\n"
	// Entry i ends after the head, the entries before it, their
	// separators, and itself.
	endOf := func(i int) int {
		n := len(head)
		for j := 0; j <= i; j++ {
			n += len(f.records[j])
			if j < i {
				n += len(",\n")
			}
		}
		return n
	}
	f.end = func(readable string, i int) bool { return len(readable) >= endOf(i) }
	f.started = func(readable string, i int) bool {
		return len(readable) > endOf(i)-len(f.records[i])
	}
	return f
}

func lineEnd(records []string) func(string, int) bool {
	return func(readable string, i int) bool {
		n := 0
		for j := 0; j <= i; j++ {
			n += len(records[j])
		}
		return len(readable) >= n
	}
}

func lineStarted(records []string) func(string, int) bool {
	return func(readable string, i int) bool {
		n := 0
		for j := 0; j < i; j++ {
			n += len(records[j])
		}
		return len(readable) > n
	}
}

// gunzipReadable returns what a gzip reader yields of a cut stream before
// its error: what an import of it can see.
func gunzipReadable(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("the cut gzip reads with %v, want unexpected EOF", err)
	}
	return string(out)
}

// storedCount opens the store as spoor does, checks it, and counts its
// exchanges.
func storedCount(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Error(err)
	}
	if err := st.CheckIndexes(); err != nil {
		t.Error(err)
	}
	n, _, err := st.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportTruncatedThenRepaired runs spoor import on a generated access
// log, JSON lines and a HAR file, each gzip-compressed and cut at a byte
// offset in the middle of a record: the import keeps every request before
// the cut, says "kept N of T lines; stopped at line L: gzip: unexpected
// EOF" with the numbers the fixture implies and exits 1; importing the
// whole file then adds exactly the rest, and a third import adds nothing.
func TestImportTruncatedThenRepaired(t *testing.T) {
	for _, f := range []truncatedFixture{accessLogFixture(3000), jsonLinesFixture(2500), harFixture(600)} {
		t.Run(f.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "t.db")
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write([]byte(f.content))
			zw.Close()
			full := filepath.Join(dir, f.name)
			cut := filepath.Join(dir, "cut-"+f.name)
			if err := os.WriteFile(full, z.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cut, z.Bytes()[:z.Len()*11/20], 0o600); err != nil {
				t.Fatal(err)
			}

			// What the fixture says the cut file holds.
			readable := gunzipReadable(t, z.Bytes()[:z.Len()*11/20])
			whole, requests, read := 0, 0, 0
			for whole < len(f.records) && f.end(readable, whole) {
				if !f.bad[whole] {
					requests++
				}
				whole++
			}
			read = whole
			if f.started(readable, whole) {
				read++ // the record the cut went through
			}
			total := 0
			for i := range f.records {
				if !f.bad[i] {
					total++
				}
			}
			if requests == 0 || requests == total {
				t.Fatalf("the cut keeps %d of %d requests: cut elsewhere", requests, total)
			}

			_, stderr, code := spoor(t, 60*time.Second, "import", "--no-detect", "--db", db, cut)
			want := fmt.Sprintf("spoor: import %s: kept %d of %d %s; stopped at %s %d: gzip: unexpected EOF\n",
				cut, requests, read, f.noun, f.one, whole+1)
			if code != exitFailure || stderr != want {
				t.Fatalf("truncated import: exit %d, stderr\n%q\nwant exit 1 and\n%q", code, stderr, want)
			}
			if n := storedCount(t, db); n != requests {
				t.Fatalf("store holds %d requests after the truncated import, want %d", n, requests)
			}

			_, stderr, code = spoor(t, 60*time.Second, "import", "--no-detect", "--db", db, full)
			wantHead := fmt.Sprintf("import %s: %d requests", full, total-requests)
			wantTail := fmt.Sprintf("(after the first %d %s, imported before from %s)\n", whole, f.noun, cut)
			if code != 0 || !strings.HasPrefix(stderr, wantHead) || !strings.HasSuffix(stderr, wantTail) {
				t.Fatalf("repaired import: exit %d, stderr %q; want %q ... %q", code, stderr, wantHead, wantTail)
			}
			if n := storedCount(t, db); n != total {
				t.Fatalf("store holds %d requests after the repaired import, want %d", n, total)
			}

			_, stderr, code = spoor(t, 60*time.Second, "import", "--no-detect", "--db", db, full)
			if code != 0 || !strings.HasPrefix(stderr, "import "+full+": already imported, skipped") {
				t.Errorf("third import: exit %d, stderr %q", code, stderr)
			}
			if n := storedCount(t, db); n != total {
				t.Errorf("store holds %d requests after the third import, want %d", n, total)
			}
		})
	}
}

// TestImportInterruptedThenAgain interrupts spoor import with SIGINT once
// its first commit has grown the store: it exits 1 saying how many requests
// it kept, the store holds exactly those, and importing the same file again
// adds exactly the rest.
func TestImportInterruptedThenAgain(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "i.db")
	f := accessLogFixture(30000)
	log := filepath.Join(dir, "access.log")
	if err := os.WriteFile(log, []byte(f.content), 0o600); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range f.records {
		if !f.bad[i] {
			total++
		}
	}

	// The signal must come once the import has read some lines, which
	// nothing outside shows: a signal that comes too early keeps nothing
	// and leaves the store empty, so try again a little later.
	var kept int
	for delay := 250 * time.Millisecond; kept == 0; delay *= 2 {
		if delay > 30*time.Second {
			t.Fatal("no interrupted import kept anything")
		}
		kept = interruptImport(t, db, log, delay)
	}
	if kept >= total {
		t.Fatalf("kept %d of %d: interrupt earlier, or use a longer file", kept, total)
	}
	t.Logf("the interrupted import kept %d of %d requests", kept, total)
	if n := storedCount(t, db); n != kept {
		t.Fatalf("store holds %d requests, the import said it kept %d", n, kept)
	}

	_, errOut, code := spoor(t, 120*time.Second, "import", "--no-detect", "--db", db, log)
	if want := fmt.Sprintf("import %s: %d requests", log, total-kept); code != 0 || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "imported before from "+log) {
		t.Fatalf("second import: exit %d, stderr %q; want %q...", code, errOut, want)
	}
	if n := storedCount(t, db); n != total {
		t.Errorf("store holds %d requests, want %d", n, total)
	}
}

// interruptImport starts spoor import, sends SIGINT once the store exists
// and delay has passed, and returns how many requests it says it kept.
func interruptImport(t *testing.T, db, log string, delay time.Duration) int {
	t.Helper()
	cmd := exec.Command(spoorBin, "import", "--no-detect", "--db", db, log)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, 60*time.Second, func() bool {
		_, err := os.Stat(db)
		return err == nil
	})
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	var kept int
	if _, err := fmt.Sscanf(stderr.String(), "spoor: import "+log+": interrupted after %d requests, which are kept; importing the file again adds the rest\n", &kept); err != nil || cmd.ProcessState.ExitCode() != exitFailure {
		t.Fatalf("interrupted import: exit %d, stderr %q (%v)", cmd.ProcessState.ExitCode(), stderr.String(), err)
	}
	return kept
}

// TestImportGoesOnAfterABrokenFile imports a truncated gzip between two
// good logs: the files after it are imported too, the broken one is
// reported where it comes, and the command fails with a last line that
// names it.
func TestImportGoesOnAfterABrokenFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a := write("a.log", accessLogFixture(40).content)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(jsonLinesFixture(400).content))
	zw.Close()
	cut := write("cut.jsonl.gz", z.String()[:z.Len()/2])
	b := write("b.log", strings.ReplaceAll(accessLogFixture(30).content, "192.0.2.", "198.51.100."))

	_, stderr, code := spoor(t, 60*time.Second, "import", "--no-detect", "--db", db, a, cut, b)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != exitFailure || len(lines) != 4 {
		t.Fatalf("exit %d, stderr %q; want exit 1 and four lines", code, stderr)
	}
	wantPrefixes := []string{
		"import " + a + ": 47 requests\n",
		"spoor: import " + cut + ": kept ",
		"import " + b + ": 35 requests",
		"spoor: 1 of 3 files stopped before their end (" + cut + "); what came before each break is kept",
	}
	for i, want := range wantPrefixes {
		if !strings.HasPrefix(lines[i]+"\n", want) {
			t.Errorf("line %d = %q, want %q...", i+1, lines[i], want)
		}
	}
	var kept int
	fmt.Sscanf(strings.TrimPrefix(lines[1], "spoor: import "+cut+": kept "), "%d", &kept)
	if n := storedCount(t, db); kept == 0 || n != 47+kept+35 {
		t.Errorf("store holds %d requests, want 47 + %d + 35", n, kept)
	}
}
