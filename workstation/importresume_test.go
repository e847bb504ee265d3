package workstation

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
)

// writeLog writes n combined lines, a second apart, every fourth one twice,
// to a file in dir, gzip-compressed if zip, and returns its path.
func writeLog(t *testing.T, dir, name string, n int, zip bool) string {
	t.Helper()
	var b strings.Builder
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range n {
		line := fmt.Sprintf("192.0.2.%d - - [%s] \"GET /items/%d HTTP/1.1\" 200 %d \"-\" \"curl/8\"\n",
			i%7, t0.Add(time.Duration(i)*time.Second).Format("02/Jan/2006:15:04:05 -0700"), i%11, i)
		b.WriteString(line)
		if i%4 == 0 {
			b.WriteString(line)
		}
	}
	content := []byte(b.String())
	if zip {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(content)
		w.Close()
		content = z.Bytes()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importFile imports one file with im.
func importFile(t *testing.T, ctx context.Context, im *Importer, path string, onCommit func(int)) (ImportResult, error) {
	t.Helper()
	src, err := OpenSource(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return im.Import(ctx, src, onCommit)
}

func storedCount(t *testing.T, im *Importer) int {
	t.Helper()
	n, _, err := im.store.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInterruptedImportResumes cancels an import at its first commit: what
// it read is kept and recorded as interrupted, the same file imported
// again is not skipped but goes on where the first stopped, and the store
// ends with every line once.
func TestInterruptedImportResumes(t *testing.T) {
	dir := t.TempDir()
	// Large enough that the reader, held back by the pipeline, is far from
	// the end at the first commit of 10,000.
	log := writeLog(t, dir, "access.log", 48000, false)
	total := 60000 // 48,000 lines and every fourth written twice
	im, err := OpenImport(ImportOptions{Store: filepath.Join(dir, "i.db"), NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()

	ctx, cancel := context.WithCancel(t.Context())
	first, err := importFile(t, ctx, im, log, func(int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first import: %v, want cancelled", err)
	}
	kept := storedCount(t, im)
	if kept == 0 || kept >= total || kept != first.Committed || first.Stats.Read.Records != kept {
		t.Fatalf("interrupted import kept %d (committed %d, read %+v), want some of %d, all it read", kept, first.Committed, first.Stats.Read, total)
	}

	t.Logf("the interrupted import kept %d of %d", kept, total)
	second, err := importFile(t, t.Context(), im, log, nil)
	if err != nil || second.Skipped {
		t.Fatalf("second import = %+v, %v; want it to go on", second, err)
	}
	if second.Resumed != kept || second.From.Name != log || second.Committed != total-kept {
		t.Errorf("second import resumed after %d lines (from %q) and added %d; want after %d, adding %d", second.Resumed, second.From.Name, second.Committed, kept, total-kept)
	}
	if n := storedCount(t, im); n != total {
		t.Errorf("store holds %d exchanges, want %d", n, total)
	}
	third, err := importFile(t, t.Context(), im, log, nil)
	if err != nil || !third.Skipped {
		t.Errorf("third import = %+v, %v; want skipped", third, err)
	}
	checkStore(t, im)
}

// TestTruncatedImportThenRepaired imports a gzip cut in the middle, then
// the whole file, then the whole file again: N, then exactly the rest, then
// nothing.
func TestTruncatedImportThenRepaired(t *testing.T) {
	dir := t.TempDir()
	full := writeLog(t, dir, "access.log.gz", 6000, true)
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.log.gz")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	im, err := OpenImport(ImportOptions{Store: filepath.Join(dir, "t.db"), NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()

	first, err := importFile(t, t.Context(), im, cut, nil)
	var brk *importer.BreakError
	if !errors.As(err, &brk) || !brk.Partial {
		t.Fatalf("truncated import: %v, want a break inside a line", err)
	}
	kept := storedCount(t, im)
	if kept == 0 || kept != first.Committed || brk.At.Line != kept+1 {
		t.Fatalf("kept %d (committed %d), break at line %d; want all the lines before the break", kept, first.Committed, brk.At.Line)
	}
	rec, found, err := im.store.Imported(first.Stats.Read.Hash)
	if err != nil || found {
		t.Fatalf("records are keyed by the file's hash, not the content's: %+v, %v", rec, err)
	}
	second, err := importFile(t, t.Context(), im, full, nil)
	if err != nil || second.Resumed != kept || second.Committed != 7500-kept {
		t.Fatalf("repaired import = resumed %d, added %d, %v; want resumed %d, added %d", second.Resumed, second.Committed, err, kept, 7500-kept)
	}
	third, err := importFile(t, t.Context(), im, full, nil)
	if err != nil || !third.Skipped || storedCount(t, im) != 7500 {
		t.Errorf("third import = %+v, %v, store %d; want skipped, 7500", third, err, storedCount(t, im))
	}
	checkStore(t, im)
}

// checkStore runs the store's consistency checks.
func checkStore(t *testing.T, im *Importer) {
	t.Helper()
	if err := im.store.Check(); err != nil {
		t.Error(err)
	}
	if err := im.store.CheckIndexes(); err != nil {
		t.Error(err)
	}
}
