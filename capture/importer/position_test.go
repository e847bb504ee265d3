package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// generatedLog writes n combined lines a second apart, with every fifth
// line written twice (two identical requests in one second, as a retrying
// client sends) and neighbours swapped now and then, as a busy server
// writes them.
func generatedLog(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		sec := i
		if i%7 == 3 {
			sec = i + 1 // written before its predecessor
		} else if i%7 == 4 {
			sec = i - 1
		}
		line := clfLine(sec, fmt.Sprintf("/items/%d?page=%d", i%13, i))
		b.WriteString(line + "\n")
		if i%5 == 0 {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// generatedJSONLines writes n JSON lines, every fifth one twice.
func generatedJSONLines(n int) string {
	var b strings.Builder
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		line := fmt.Sprintf(`{"time":%q,"ip":"192.0.2.%d","method":"GET","path":"/items/%d","status":200,"bytes":%d}`,
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%9, i%13, i)
		b.WriteString(line + "\n")
		if i%5 == 0 {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// generatedHAR writes a HAR file of n entries, one per line as
// browsers write them, with bodies long enough to cut inside.
func generatedHAR(n int) string {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` + "\n")
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"startedDateTime":%q,"time":1.5,"request":{"method":"GET","url":"http://api.test/items/%d","headers":[{"name":"Authorization","value":"Bearer t-%d"}]},"response":{"status":200,"headers":[],"content":{"size":40,"text":"%s"}}}`,
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i, i%4, strings.Repeat("x", 40))
	}
	b.WriteString("\n]}}\n")
	return b.String()
}

// readable returns what a gzip reader gives of a truncated stream before
// its error: the content an import can see.
func readable(t *testing.T, gz []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading the cut gzip: %v, want unexpected EOF", err)
	}
	return string(b)
}

// collect imports input and returns the request targets emitted.
func collect(t *testing.T, input string, opts Options) ([]string, Stats, error) {
	t.Helper()
	var got []string
	st, err := Import(context.Background(), strings.NewReader(input), opts, func(x *engine.Exchange) error {
		got = append(got, x.Method+" "+x.Path+"?"+x.Query)
		return nil
	})
	return got, st, err
}

// TestBreakKeepsWhatCameBefore cuts a gzip-compressed log and JSON lines in
// the middle of a line, and a HAR file in the middle of an entry: every
// record before the break is emitted, the break names the record it cut,
// and importing the whole file from the position read emits exactly the
// rest, duplicated lines included, and nothing when imported from its own
// end.
func TestBreakKeepsWhatCameBefore(t *testing.T) {
	tests := []struct {
		name    string
		content string
		gzip    bool
		cut     float64 // where to cut the (compressed) file, as a fraction
		format  Format
	}{
		{"combined, gzip", generatedLog(3000), true, 0.5, FormatCombined},
		{"combined, gzip, early", generatedLog(3000), true, 0.08, FormatCombined},
		{"JSON lines, gzip", generatedJSONLines(2000), true, 0.6, FormatJSONLines},
		{"HAR", generatedHAR(300), false, 0.7, FormatHAR},
		{"HAR, gzip", generatedHAR(300), true, 0.4, FormatHAR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := tt.content
			if tt.gzip {
				full = gz(tt.content)
			}
			cut := full[:int(float64(len(full))*tt.cut)]
			all, whole, err := collect(t, full, Options{})
			if err != nil || whole.Format != tt.format {
				t.Fatalf("whole file: %v, format %q", err, whole.Format)
			}
			// The records a reader can see whole before the break.
			seen := cut
			if tt.gzip {
				seen = readable(t, []byte(cut))
			}
			wantRecords := strings.Count(seen, "\n")
			if tt.format == FormatHAR {
				wantRecords = strings.Count(seen, `"}}}`) // the end of an entry
			}

			kept, st, err := collect(t, cut, Options{})
			var brk *BreakError
			if !errors.As(err, &brk) {
				t.Fatalf("cut file: err = %v, want a break", err)
			}
			at := brk.At.Line
			if tt.format == FormatHAR {
				at = brk.At.Entry
			}
			if at != wantRecords+1 || !brk.Partial {
				t.Errorf("break %+v, want at record %d, partial", brk, wantRecords+1)
			}
			if st.Read.Records != wantRecords || len(kept) != wantRecords || st.Exchanges != wantRecords {
				t.Fatalf("kept %d exchanges, read %+v; want %d records", len(kept), st.Read, wantRecords)
			}

			pos, ok := MatchPrefix(strings.NewReader(full), []Position{st.Read})
			if !ok || pos != st.Read {
				t.Fatalf("MatchPrefix = %+v, %v; want %+v", pos, ok, st.Read)
			}
			rest, st2, err := collect(t, full, Options{Resume: pos})
			if err != nil {
				t.Fatal(err)
			}
			if len(kept)+len(rest) != len(all) || st2.Read != whole.Read {
				t.Fatalf("resumed import emitted %d after %d, want %d in all; read %+v, want %+v", len(rest), len(kept), len(all), st2.Read, whole.Read)
			}
			if got, want := multiset(append(kept, rest...)), multiset(all); got != want {
				t.Error("the two imports together do not hold the whole file's requests")
			}
			again, _, err := collect(t, full, Options{Resume: whole.Read})
			if err != nil || len(again) != 0 {
				t.Errorf("importing from the whole file's end emitted %d (%v), want 0", len(again), err)
			}
		})
	}
}

// multiset renders requests sorted with their counts, to compare two
// imports regardless of the order the window released them in.
func multiset(xs []string) string {
	n := map[string]int{}
	for _, x := range xs {
		n[x]++
	}
	return fmt.Sprint(n) // fmt sorts map keys
}

// TestMatchPrefix covers what a resume may continue from: a log that grew,
// a gzip of a plain log, the longest of several earlier imports; and what
// it may not: another file, an earlier import longer than the file; and a
// last line without a newline, which a resume goes on after only if the
// grown file ends it there.
func TestMatchPrefix(t *testing.T) {
	log := generatedLog(200)
	lines := strings.SplitAfter(log, "\n")
	head := strings.Join(lines[:100], "")
	position := func(s string) Position {
		_, st, err := collect(t, s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st.Read
	}
	short, long := position(strings.Join(lines[:50], "")), position(head)
	other := position(generatedJSONLines(100))
	tests := []struct {
		name  string
		input string
		known []Position
		want  Position
		ok    bool
	}{
		{"grown log", log, []Position{short, other, long}, long, true},
		{"gzip of the same bytes", gz(log), []Position{long}, long, true},
		{"another file", generatedJSONLines(200), []Position{short, long}, Position{}, false},
		{"file shorter than the import", strings.Join(lines[:60], ""), []Position{short, long}, short, true},
		{"empty", "", []Position{short}, Position{}, false},
		{"not gzip after the magic", "\x1f\x8bxx", []Position{short}, Position{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchPrefix(strings.NewReader(tt.input), tt.known)
			if got != tt.want || ok != tt.ok {
				t.Errorf("MatchPrefix = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}

	// A last line without its newline is imported and counted read; a
	// resume over the grown file goes on after it when the file ends
	// that line where it ended, and refuses when the line goes on (it
	// was being written), rather than import it twice or lose its end.
	unterminated := strings.TrimSuffix(head, "\n")
	got, st, err := collect(t, unterminated, Options{})
	if err != nil || len(got) != 100 || st.Read.Records != 100 {
		t.Errorf("unterminated last line: %d exchanges, read %+v, %v; want 100 and 100 records", len(got), st.Read, err)
	}
	if at, ok := MatchPrefix(strings.NewReader(log), []Position{st.Read}); !ok || at != st.Read {
		t.Fatalf("the grown file does not continue the unterminated import: %+v, %v", at, ok)
	}
	rest, _, err := collect(t, log, Options{Resume: st.Read})
	all, _, _ := collect(t, log, Options{})
	if err != nil || multiset(append(got, rest...)) != multiset(all) {
		t.Errorf("resume after an unterminated last line: %d more of %d (%v), want the other %d exactly once", len(rest), len(all), err, len(all)-len(got))
	}
	completed := unterminated + "-and-more\n" + strings.Join(lines[100:], "")
	if _, _, err := collect(t, completed, Options{Resume: st.Read}); err == nil || !strings.Contains(err.Error(), "goes on") {
		t.Errorf("resume after a last line that was completed since: err = %v, want the input changed", err)
	}

	// A resume that no longer matches (the file changed after it was
	// matched) is an error, not a silent skip.
	changed := strings.Replace(log, "/items/1?", "/items/X?", 1)
	if _, _, err := collect(t, changed, Options{Resume: long}); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("resume over changed content: err = %v", err)
	}
}

// TestCancelledImportKeepsWhatItRead cancels an import after its first
// exchange: it stops at the next check, still emits every line it read, and
// its position says exactly which.
func TestCancelledImportKeepsWhatItRead(t *testing.T) {
	log := generatedLog(12000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n int
	st, err := Import(ctx, strings.NewReader(log), Options{}, func(*engine.Exchange) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
	total := strings.Count(log, "\n")
	if n == 0 || n >= total || st.Read.Records != n {
		t.Fatalf("emitted %d of %d, read %+v: want the read records emitted, and not all", n, total, st.Read)
	}
	rest, _, err := collect(t, log, Options{Resume: st.Read})
	if err != nil || n+len(rest) != total {
		t.Errorf("resumed: %d more (%v), want %d", len(rest), err, total-n)
	}
}
