package importer

import (
	"bufio"
	"bytes"
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

// lineReader reads lines and numbers them. The returned slice is valid
// until the next call.
type lineReader struct {
	r    *bufio.Reader
	n    int // number of the line last returned
	long []byte
}

func newLineReader(r *bufio.Reader) *lineReader { return &lineReader{r: r} }

// next returns the next line without its line ending, io.EOF at the end, or
// errLineTooLong for a line over maxLine (which is consumed).
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.long = append(l.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = l.r.ReadSlice('\n')
			if len(l.long) <= maxLine {
				l.long = append(l.long, line...)
			}
		}
		line = l.long
	}
	if errors.Is(err, io.EOF) && len(line) == 0 {
		return nil, io.EOF
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	l.n++
	if len(line) > maxLine {
		return nil, errLineTooLong{maxLine}
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}
