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
	// Resume skips the records an earlier import read, found by
	// MatchPrefix; the zero Position reads from the start.
	Resume Position
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
	// Read is how far the input was read, Options.Resume included: every
	// record before it was handed to emit. It is set when Import returns
	// nil, a *BreakError or the context's error.
	Read Position
}

// stopError carries an error of the caller's emit through the readers, so
// that it is returned as it was and never mistaken for a parse error.
type stopError struct{ err error }

func (e stopError) Error() string { return e.err.Error() }
func (e stopError) Unwrap() error { return e.err }

// Import reads r to its end and calls emit with each exchange, in time order
// within the window. A bad line is counted in the returned Stats and the
// import goes on. Input that breaks off (a truncated gzip, a HAR cut short)
// ends the import with a *BreakError, and when ctx ends it stops at the
// next record with ctx's error: in both cases every record read before is
// emitted first, so that Stats.Read says exactly what was handed on. Other
// errors are returned for input that cannot be read at all (unknown format,
// a broken gzip header, a file that is not HAR), and when emit fails.
// Exchanges passed to emit are not used by Import afterwards.
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
		// A file that breaks early is detected from what there is; the
		// reader meets the error again where it is.
		head, err := src.Peek(detectBytes)
		if err != nil && len(head) == 0 && !errors.Is(err, io.EOF) {
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
	var read Position
	switch format {
	case FormatHAR:
		read, err = readHAR(ctx, src, opts, ro.push, bad)
	case FormatCombined:
		read, err = readLines(ctx, src, opts.Resume, ParseCombinedLine, ro.push, bad)
	case FormatLogFormat:
		if opts.LogFormat == nil {
			return st, fmt.Errorf("format %s needs a log_format string", format)
		}
		read, err = readLines(ctx, src, opts.Resume, opts.LogFormat.ParseLine, ro.push, bad)
	case FormatJSONLines:
		m := opts.Mapping
		if m == nil {
			m = DefaultMapping()
		}
		read, err = readLines(ctx, src, opts.Resume, m.ParseLine, ro.push, bad)
	default:
		return st, fmt.Errorf("unknown format %q", format)
	}
	// What was read before a break or a cancellation is good: release
	// it, so that the position read is the position handed on.
	var brk *BreakError
	if err == nil || errors.As(err, &brk) || (ctx.Err() != nil && errors.Is(err, ctx.Err())) {
		if ferr := ro.flush(); ferr != nil {
			err = ferr
		} else {
			st.Read = read
		}
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

// readLines feeds each non-empty line to parse, after the lines of resume,
// and returns how far it read. It checks ctx every few thousand lines, often
// enough to stop within a blink and rarely enough to cost nothing, and
// before a line is read, so that every line read is handed on.
func readLines(ctx context.Context, r *bufio.Reader, resume Position, parse lineParser, emit func(*engine.Exchange) error, bad func(BadLine)) (Position, error) {
	lines := newLineReader(r)
	if err := lines.skip(ctx, resume); err != nil {
		return lines.position(), err
	}
	for {
		if lines.n%4096 == 0 && ctx.Err() != nil {
			return lines.position(), ctx.Err()
		}
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			return lines.position(), nil
		}
		var tooLong errLineTooLong
		if errors.As(err, &tooLong) {
			bad(BadLine{Line: lines.n, Err: err})
			continue
		}
		if err != nil {
			return lines.position(), err
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
			return lines.position(), err
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
