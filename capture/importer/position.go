package importer

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
)

// Position is how far an import read: its first Records records (lines,
// blank and bad ones included, or HAR entries) span the first Offset bytes
// of the content, after gzip and a byte order mark, whose SHA-256 is Hash.
//
// A record is identified by its position and by every byte before it, so
// that another file holds the same record only if it is byte for byte the
// same up to the end of that record. A log that grew, a truncated file that
// was repaired, or a gzip of a plain log imported before, start with the
// same bytes and go on from there; the same line written twice is two
// records, as it was two requests.
type Position struct {
	Records int
	Offset  int64
	Hash    string
}

// BreakError is where reading stopped before the end of the input: the line
// or HAR entry that could not be read, and why (a truncated gzip, JSON that
// ends early). Import returns it after it has handed on every record before
// the break, so that what was readable is kept.
type BreakError struct {
	At BadLine
	// Partial is true when part of the record at the break was read.
	Partial bool
}

func (e *BreakError) Error() string { return "stopped at " + e.At.String() }
func (e *BreakError) Unwrap() error { return e.At.Err }

// contentHash hashes the content an import has consumed, record by record,
// so that its Position names exactly the records handed on.
type contentHash struct {
	h      hash.Hash
	offset int64
}

func newContentHash() *contentHash { return &contentHash{h: sha256.New()} }

func (c *contentHash) write(b []byte) {
	c.h.Write(b)
	c.offset += int64(len(b))
}

// sum is the hex SHA-256 of what was written so far; it does not change
// the state.
func (c *contentHash) sum() string { return hex.EncodeToString(c.h.Sum(nil)) }

func (c *contentHash) position(records int) Position {
	return Position{Records: records, Offset: c.offset, Hash: c.sum()}
}

// save returns the hash's state, to undo the bytes of a record that turns
// out to be cut short.
func (c *contentHash) save() ([]byte, int64) {
	state, _ := c.h.(encoding.BinaryMarshaler).MarshalBinary()
	return state, c.offset
}

func (c *contentHash) restore(state []byte, offset int64) {
	// The state came from MarshalBinary of the same hash; it cannot fail.
	_ = c.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state)
	c.offset = offset
}

// resumed checks that the records skipped for a resume are the ones the
// earlier import read.
func (c *contentHash) resumed(at Position) error {
	if c.offset != at.Offset || c.sum() != at.Hash {
		return errors.New("the input changed while it was read: its first records no longer match the import they continue")
	}
	return nil
}

// MatchPrefix returns the longest of the known positions whose bytes the
// content of r starts with, and whether there was one, reading r no further
// than the longest known position. An input that cannot be read, or breaks
// before a position, does not match it.
func MatchPrefix(r io.Reader, known []Position) (Position, bool) {
	known = slices.DeleteFunc(slices.Clone(known), func(p Position) bool { return p.Records <= 0 || p.Offset <= 0 })
	if len(known) == 0 {
		return Position{}, false
	}
	slices.SortFunc(known, func(a, b Position) int { return cmp.Compare(a.Offset, b.Offset) })
	src, err := decompress(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return Position{}, false
	}
	skipBOM(src)
	c := newContentHash()
	buf := make([]byte, 64<<10)
	var best Position
	found := false
	for _, p := range known {
		for c.offset < p.Offset {
			n, err := io.ReadFull(src, buf[:min(p.Offset-c.offset, int64(len(buf)))])
			c.write(buf[:n])
			if err != nil {
				return best, found
			}
		}
		if c.sum() == p.Hash {
			best, found = p, true
		}
	}
	return best, found
}

// noun is what a format's records are called in messages.
func (f Format) noun(n int) string {
	if f == FormatHAR {
		if n == 1 {
			return "entry"
		}
		return "entries"
	}
	if n == 1 {
		return "line"
	}
	return "lines"
}

// Records names n records of the format: "12 lines", "1 entry".
func (f Format) Records(n int) string { return fmt.Sprintf("%d %s", n, f.noun(n)) }
