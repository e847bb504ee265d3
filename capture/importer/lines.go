package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one line: a line longer than this is reported bad and
// skipped, so that a file without newlines cannot be loaded whole.
const maxLine = 1 << 20

type errLineTooLong struct{ n int }

func (e errLineTooLong) Error() string {
	return fmt.Sprintf("line longer than %d bytes, skipped", e.n)
}

// lineReader reads lines, numbers them, and hashes the content they span.
// The returned slice is valid until the next call.
type lineReader struct {
	r *bufio.Reader
	n int // number of the line last returned
	// whole counts the lines the content hash holds: every line read,
	// including a last line without a newline, which is imported too.
	// Such a line may be one still being written: a resume checks that
	// the grown file ends it where it ended before (see skip).
	whole   int
	content *contentHash
	long    []byte
}

func newLineReader(r *bufio.Reader) *lineReader {
	return &lineReader{r: r, content: newContentHash()}
}

// position is how far the reader got, in whole lines.
func (l *lineReader) position() Position { return l.content.position(l.whole) }

// next returns the next line without its line ending, io.EOF at the end,
// errLineTooLong for a line over maxLine (which is consumed), or a
// *BreakError when the input cannot be read to the end of the line.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	long := errors.Is(err, bufio.ErrBufferFull)
	if long {
		// The pieces are hashed as they go by, as they do not all stay:
		// undo them if the line is cut short.
		state, offset := l.content.save()
		l.content.write(line)
		l.long = append(l.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = l.r.ReadSlice('\n')
			l.content.write(line)
			if len(l.long) <= maxLine {
				l.long = append(l.long, line...)
			}
		}
		if err != nil {
			l.content.restore(state, offset)
		}
		line = l.long
	}
	switch {
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, io.EOF
	case err != nil && !errors.Is(err, io.EOF):
		return nil, &BreakError{At: BadLine{Line: l.n + 1, Err: err}, Partial: len(line) > 0}
	default: // a whole line, or the last one without a newline
		if !long {
			l.content.write(line)
		}
		l.whole++
	}
	l.n++
	if len(line) > maxLine {
		return nil, errLineTooLong{maxLine}
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// skip reads past the lines an earlier import read, checking that they
// are the same.
func (l *lineReader) skip(ctx context.Context, at Position) error {
	if at.Records == 0 {
		return nil
	}
	for l.whole < at.Records-1 {
		if l.n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := l.next(); err != nil && !errors.As(err, new(errLineTooLong)) {
			return l.content.resumed(at)
		}
	}
	return l.skipLast(at)
}

// skipLast reads the last record an earlier import read, by its bytes: it
// may have had no newline then (the end of the file, or a line being
// written). The grown input must go on with a newline there, or end;
// anything else means that line was completed since, and resuming after
// it would lose the rest of it.
func (l *lineReader) skipLast(at Position) error {
	rest := at.Offset - l.content.offset
	if rest <= 0 {
		return l.content.resumed(at)
	}
	buf := make([]byte, rest)
	n, _ := io.ReadFull(l.r, buf)
	l.content.write(buf[:n])
	if err := l.content.resumed(at); err != nil {
		return err
	}
	l.n++
	l.whole++
	if buf[n-1] == '\n' {
		return nil
	}
	switch next, err := l.r.ReadByte(); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	case next == '\n':
		l.content.write([]byte{next})
		return nil
	default:
		return errors.New("the input changed while it was read: its last line then, which had no line ending, goes on now")
	}
}
