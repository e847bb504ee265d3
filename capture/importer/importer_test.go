package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

func clfLine(sec int, path string) string {
	t := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	return fmt.Sprintf(`192.0.2.1 - - [%s] "GET %s HTTP/1.1" 200 1 "-" "curl/8"`, t.Format("02/Jan/2006:15:04:05 -0700"), path)
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
		wantErr    string
	}{
		{"pretty HAR", "{\n  \"log\": {\n", FormatHAR, ""},
		{"one-line HAR", `{"log":{"entries":[]}}`, FormatHAR, ""},
		{"one-line HAR with more lines", `{"log":{"entries":[]}}` + "\n", FormatHAR, ""},
		{"JSON lines", "{\"time\":1,\"path\":\"/\"}\n{\"time\":2}\n", FormatJSONLines, ""},
		{"combined", clfLine(0, "/") + "\n", FormatCombined, ""},
		{"combined after junk lines", "junk\n\n" + clfLine(0, "/") + "\n", FormatCombined, ""},
		{"common", `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.0" 200 -`, FormatCombined, ""},
		{"JSON array", "[{}]", "", "JSON array is not supported"},
		{"empty", " \n", "", "empty input"},
		{"text", "hello\nworld\n", "", "pass --format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect([]byte(tt.head))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestImport covers the stream around the parsers: gzip, byte order marks,
// CRLF, blank and overlong lines, bad lines by number, and the reorder
// window.
func TestImport(t *testing.T) {
	ordered := clfLine(0, "/a") + "\n" + clfLine(1, "/b") + "\n"
	tests := []struct {
		name      string
		input     string
		opts      Options
		wantPaths string
		wantBad   int
		firstBad  string
	}{
		{name: "plain", input: ordered, wantPaths: "/a /b"},
		{name: "gzip", input: gz(ordered), wantPaths: "/a /b"},
		{name: "gzip of a BOM and CRLF", input: gz("\ufeff" + strings.ReplaceAll(ordered, "\n", "\r\n")), wantPaths: "/a /b"},
		{name: "blank lines are not bad", input: "\n" + clfLine(0, "/a") + "\n\n\n" + clfLine(1, "/b"), wantPaths: "/a /b"},
		{name: "bad lines by number", input: clfLine(0, "/a") + "\nnot a log line\n" + clfLine(1, "/b") + "\n" + `192.0.2.1 - - [24/Nov/2026:10:00:02 +0000] "-" 400 0` + "\n",
			wantPaths: "/a /b", wantBad: 2, firstBad: "line 2: "},
		{name: "overlong line", input: clfLine(0, "/a") + "\n" + strings.Repeat("x", maxLine+10) + "\n" + clfLine(1, "/b") + "\n",
			opts: Options{Format: FormatCombined}, wantPaths: "/a /b", wantBad: 1, firstBad: "line 2: line longer than"},
		{name: "reordered within the window", input: clfLine(2, "/c") + "\n" + clfLine(0, "/a") + "\n" + clfLine(1, "/b") + "\n" + clfLine(1, "/b2") + "\n", wantPaths: "/a /b /b2 /c"},
		{name: "JSON lines detected", input: `{"time":"2026-11-24T10:00:01Z","path":"/b"}` + "\n" + `{"time":"2026-11-24T10:00:00Z","path":"/a"}`, wantPaths: "/a /b"},
		{name: "forced format", input: `{"time":"2026-11-24T10:00:00Z","path":"/a"}`, opts: Options{Format: FormatCombined}, wantBad: 1, firstBad: "line 1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			st, err := Import(context.Background(), strings.NewReader(tt.input), tt.opts, func(x *engine.Exchange) error {
				paths = append(paths, x.Path)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(paths, " "); got != tt.wantPaths {
				t.Errorf("paths %q, want %q", got, tt.wantPaths)
			}
			if st.Exchanges != len(paths) || st.Bad != tt.wantBad {
				t.Errorf("stats %+v, want %d exchanges and %d bad", st, len(paths), tt.wantBad)
			}
			if tt.firstBad != "" && (st.FirstBad == nil || !strings.HasPrefix(st.FirstBad.String(), tt.firstBad)) {
				t.Errorf("first bad = %v, want %q...", st.FirstBad, tt.firstBad)
			}
		})
	}
}

func TestImportWindowLimit(t *testing.T) {
	var in strings.Builder
	in.WriteString(clfLine(100, "/late") + "\n")
	for i := range 10 {
		in.WriteString(clfLine(i, "/") + "\n")
	}
	st, err := Import(context.Background(), strings.NewReader(in.String()), Options{Window: 4}, func(*engine.Exchange) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Exchanges != 11 || st.Reordered != 0 {
		t.Errorf("stats %+v: a late-arriving early line fits any window", st)
	}
	in.Reset()
	for i := range 10 {
		in.WriteString(clfLine(i+10, "/") + "\n")
	}
	in.WriteString(clfLine(0, "/early") + "\n")
	if st, _ = Import(context.Background(), strings.NewReader(in.String()), Options{Window: 4}, func(*engine.Exchange) error { return nil }); st.Reordered != 1 {
		t.Errorf("stats %+v, want one exchange beyond the window", st)
	}
}

func TestImportStops(t *testing.T) {
	var in strings.Builder
	for i := range 20000 {
		in.WriteString(clfLine(i, "/") + "\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, strings.NewReader(in.String()), Options{}, func(*engine.Exchange) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: err = %v", err)
	}
	boom := errors.New("disk full")
	n := 0
	st, err := Import(context.Background(), strings.NewReader(in.String()), Options{Window: 1}, func(*engine.Exchange) error {
		if n++; n == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || st.Exchanges != 2 {
		t.Errorf("emit error: err = %v, stats %+v", err, st)
	}
	if _, err := Import(context.Background(), strings.NewReader("\x1f\x8bnot gzip"), Options{}, nil); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("broken gzip: err = %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatAuto, "HAR": FormatHAR, "common": FormatCombined, "combined": FormatCombined, "jsonl": FormatJSONLines, "ndjson": FormatJSONLines} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}
