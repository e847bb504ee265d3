package engine

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"
)

// maxDecodedBody bounds how much of a compressed body is inflated to read
// points from or to hash values in: a small gzip bomb must not cost the
// analyzer gigabytes.
const maxDecodedBody = 8 << 20

// codec names a body compression the engine can undo and redo.
type codec uint8

const (
	codecNone codec = iota
	codecGzip
	codecZlib  // "Content-Encoding: deflate" as RFC 9110 defines it
	codecFlate // "deflate" as some servers send it, without the zlib wrapper
)

// bodyCodec returns the codec of a body from its Content-Encoding header and
// its first bytes. A body that does not look compressed is read as it is,
// since capture may already have inflated it without dropping the header.
func bodyCodec(hs []Header, data []byte) codec {
	enc := strings.ToLower(strings.TrimSpace(headerValue(hs, "Content-Encoding")))
	switch enc {
	case "gzip", "x-gzip":
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			return codecGzip
		}
	case "deflate":
		// A zlib stream starts with a CMF/FLG pair whose 16-bit value is a
		// multiple of 31, with method 8.
		if len(data) >= 2 && data[0]&0x0f == 8 && (uint16(data[0])<<8|uint16(data[1]))%31 == 0 {
			return codecZlib
		}
		return codecFlate
	}
	return codecNone
}

// inflate decodes data with c, appending to dst. A stream that fails to
// decode yields false, so that the body is read (and rewritten) as it is,
// unless truncated says the capture cap cut it: then what was decoded before
// the cut is the body. A raw deflate stream is only a guess from the header,
// so it must always decode cleanly.
func inflate(c codec, data []byte, dst []byte, truncated bool) ([]byte, bool) {
	var r io.Reader
	var err error
	src := bytes.NewReader(data)
	switch c {
	case codecGzip:
		r, err = gzip.NewReader(src)
	case codecZlib:
		r, err = zlib.NewReader(src)
	case codecFlate:
		r = flate.NewReader(src)
	default:
		return append(dst, data...), true
	}
	if err != nil {
		return dst, false
	}
	buf := bytes.NewBuffer(dst[:0])
	_, err = buf.ReadFrom(io.LimitReader(r, maxDecodedBody))
	out := buf.Bytes()
	if err != nil && (!truncated || c == codecFlate || len(out) == 0) {
		return out, false
	}
	return out, true
}

// deflate encodes data with c, so that a rewritten body goes back to the
// store in the encoding its headers announce.
func deflate(c codec, data []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch c {
	case codecGzip:
		w = gzip.NewWriter(&buf)
	case codecZlib:
		w = zlib.NewWriter(&buf)
	case codecFlate:
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression) // fails only for a bad level
	default:
		return data
	}
	// Writes to a bytes.Buffer do not fail, so neither do the writers'.
	_, _ = w.Write(data)
	_ = w.Close()
	return buf.Bytes()
}
