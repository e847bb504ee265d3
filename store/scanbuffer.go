package store

import (
	"slices"

	"github.com/spoorhq/spoor/engine"
)

// scanBuffer is where a borrowing scan (ScanOptions.Borrow) decodes a
// chunk's records: each record's bytes are copied into one buffer and its
// strings, string slices and headers alias that buffer and two slices
// beside it, all reused from chunk to chunk. A record then costs no
// allocation but its maps and attack tags, where a decode that returns
// what it reads allocates each record's string, slices and headers. What
// a chunk decoded is valid until the buffer is reset for the next chunk.
//
// A nil *scanBuffer allocates, as a decode whose result is kept must.
type scanBuffer struct {
	bytes   []byte
	strs    []string
	headers []engine.Header
}

// reset makes the buffer's space free for the next chunk; what the last
// chunk decoded must no longer be read.
func (b *scanBuffer) reset() {
	if b != nil {
		b.bytes, b.strs, b.headers = b.bytes[:0], b.strs[:0], b.headers[:0]
	}
}

// record returns v as a string: a copy, or a view of v's bytes copied
// into the buffer. A buffer that grows leaves what earlier records
// decoded in the old array, which stays valid.
func (b *scanBuffer) record(v []byte) string {
	if b == nil {
		return string(v)
	}
	start := len(b.bytes)
	b.bytes = append(b.bytes, v...)
	return unsafeString(b.bytes[start:])
}

// strings returns n strings to fill.
func (b *scanBuffer) strings(n int) []string {
	if b == nil {
		return make([]string, n)
	}
	start := len(b.strs)
	b.strs = slices.Grow(b.strs, n)[:start+n]
	return b.strs[start : start+n : start+n]
}

// headerSlice returns n headers to fill.
func (b *scanBuffer) headerSlice(n int) []engine.Header {
	if b == nil {
		return make([]engine.Header, n)
	}
	start := len(b.headers)
	b.headers = slices.Grow(b.headers, n)[:start+n]
	return b.headers[start : start+n : start+n]
}
