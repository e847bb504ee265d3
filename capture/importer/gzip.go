package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// decompress returns a reader of r's content, inflating it when it starts
// with the gzip magic bytes: logs are rotated as .gz, and a name is no proof
// of content (stdin has none).
func decompress(r *bufio.Reader) (*bufio.Reader, error) {
	magic, err := r.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return r, nil
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return bufio.NewReaderSize(gzipErrors{zr}, 64<<10), nil
}

// gzipErrors names gzip as the culprit of a read error in the middle of a
// file, which would otherwise read like a parse error.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = gzipError{err}
	}
	return n, err
}

// gzipError is a read error of the gzip stream, kept apart from the
// syntax errors of what it holds.
type gzipError struct{ err error }

func (e gzipError) Error() string { return "gzip: " + e.err.Error() }
func (e gzipError) Unwrap() error { return e.err }

// skipBOM drops a UTF-8 byte order mark, which Windows tools put before
// HAR and log files alike.
func skipBOM(r *bufio.Reader) {
	if b, _ := r.Peek(3); bytes.Equal(b, []byte{0xef, 0xbb, 0xbf}) {
		r.Discard(3)
	}
}
