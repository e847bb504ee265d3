package importer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/engine"
)

// Format names an input format.
type Format string

// Formats. FormatAuto detects the format from the first bytes.
const (
	FormatAuto      Format = ""
	FormatHAR       Format = "har"
	FormatCombined  Format = "combined" // Apache/nginx combined, and common
	FormatLogFormat Format = "log_format"
	FormatJSONLines Format = "jsonl"
)

// ParseFormat reads a --format value. "common" is the combined parser,
// which reads common lines as well.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return FormatAuto, nil
	case "har":
		return FormatHAR, nil
	case "combined", "common", "clf":
		return FormatCombined, nil
	case "jsonl", "ndjson", "json":
		return FormatJSONLines, nil
	}
	return "", fmt.Errorf("unknown format %q: want har, combined or jsonl", s)
}

// Options configure Import. The zero value detects the format and uses the
// default JSON field names.
type Options struct {
	Format Format
	// LogFormat parses lines with an nginx log_format; it implies
	// FormatLogFormat.
	LogFormat *LogFormat
	// Mapping names the JSON fields of JSON lines; nil uses DefaultMapping.
	Mapping *Mapping
	// BodyLimit is how many bytes of each HAR body an exchange keeps, like
	// the proxy's capture limit; capture.DefaultCaptureLimit when zero.
	BodyLimit int
	// Window is how many exchanges are held back to restore time order;
	// 0 picks a default by format (4096 lines, 256 HAR entries).
	Window int
}

// BadLine is a line, or a HAR entry, that could not be imported.
type BadLine struct {
	// Line is the 1-based line number; Entry the 1-based HAR entry. One
	// of them is set.
	Line  int
	Entry int
	Err   error
}

// String reads "line 17: ..." or "entry 3: ...".
func (b BadLine) String() string {
	if b.Entry > 0 {
		return fmt.Sprintf("entry %d: %v", b.Entry, b.Err)
	}
	return fmt.Sprintf("line %d: %v", b.Line, b.Err)
}

// Stats summarise an import.
type Stats struct {
	Format    Format
	Exchanges int
	Bad       int
	// FirstBad is the first bad line, nil when there was none.
	FirstBad *BadLine
	// Reordered counts exchanges that arrived later than one already
	// emitted by more than the window could repair; they are imported
	// anyway, out of order.
	Reordered int
}

// stopError carries an error of the caller's emit through the readers, so
// that it is returned as it was and never mistaken for a parse error.
type stopError struct{ err error }

func (e stopError) Error() string { return e.err.Error() }
func (e stopError) Unwrap() error { return e.err }

// Import reads r to its end and calls emit with each exchange, in time order
// within the window. A bad line is counted in the returned Stats and the
// import goes on; an error is returned for input that cannot be read at all
// (unknown format, broken gzip, a HAR that is not JSON), when emit fails, or
// when ctx ends. Exchanges passed to emit are not used by Import afterwards.
func Import(ctx context.Context, r io.Reader, opts Options, emit func(*engine.Exchange) error) (Stats, error) {
	src, err := decompress(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return Stats{}, err
	}
	skipBOM(src)
	format := opts.Format
	if opts.LogFormat != nil {
		format = FormatLogFormat
	}
	if format == FormatAuto {
		head, err := src.Peek(detectBytes)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return Stats{}, fmt.Errorf("read: %w", err)
		}
		if format, err = Detect(head); err != nil {
			return Stats{}, err
		}
	}
	if opts.BodyLimit <= 0 {
		opts.BodyLimit = capture.DefaultCaptureLimit
	}
	if opts.Window <= 0 {
		opts.Window = 4096
		if format == FormatHAR {
			opts.Window = 256
		}
	}
	st := Stats{Format: format}
	bad := func(b BadLine) {
		st.Bad++
		if st.FirstBad == nil {
			st.FirstBad = &b
		}
	}
	ro := newReorder(opts.Window, func(x *engine.Exchange) error {
		if err := emit(x); err != nil {
			return stopError{err}
		}
		st.Exchanges++
		return nil
	})
	switch format {
	case FormatHAR:
		err = readHAR(ctx, src, opts.BodyLimit, ro.push, bad)
	case FormatCombined:
		err = readLines(ctx, src, ParseCombinedLine, ro.push, bad)
	case FormatLogFormat:
		if opts.LogFormat == nil {
			return st, fmt.Errorf("format %s needs a log_format string", format)
		}
		err = readLines(ctx, src, opts.LogFormat.ParseLine, ro.push, bad)
	case FormatJSONLines:
		m := opts.Mapping
		if m == nil {
			m = DefaultMapping()
		}
		err = readLines(ctx, src, m.ParseLine, ro.push, bad)
	default:
		return st, fmt.Errorf("unknown format %q", format)
	}
	if err == nil {
		err = ro.flush()
	}
	st.Reordered = ro.late
	var stop stopError
	if errors.As(err, &stop) {
		return st, stop.err
	}
	return st, err
}

// lineParser parses one line into an exchange.
type lineParser func(line []byte) (*engine.Exchange, error)

// readLines feeds each non-empty line to parse. It checks ctx every few
// thousand lines, often enough to stop within a blink and rarely enough to
// cost nothing.
func readLines(ctx context.Context, r *bufio.Reader, parse lineParser, emit func(*engine.Exchange) error, bad func(BadLine)) error {
	lines := newLineReader(r)
	for {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if lines.n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var tooLong errLineTooLong
		if errors.As(err, &tooLong) {
			bad(BadLine{Line: lines.n, Err: err})
			continue
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", lines.n, err)
		}
		if len(line) == 0 {
			continue
		}
		x, err := parse(line)
		if err != nil {
			bad(BadLine{Line: lines.n, Err: err})
			continue
		}
		if err := emit(x); err != nil {
			return err
		}
	}
}

// quoteShort quotes a piece of input for an error message, cut so that one
// bad line cannot flood the terminal.
func quoteShort(b []byte) string {
	const max = 60
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// validTime keeps a parsed time within what the store and JSON can
// represent, so that a corrupt year cannot produce a time that fails to
// encode later.
func validTime(t time.Time) bool {
	return t.Year() >= 1970 && t.Year() <= 9999
}
