package capture

import (
	"errors"
	"io"

	"github.com/spoorhq/spoor/engine"
)

// bodyTap passes a body stream through unchanged while keeping its first
// limit bytes and counting all of them, so that a body of any size is
// proxied whole and captured in bounded memory.
type bodyTap struct {
	src   io.Reader
	limit int
	data  []byte
	size  int64
	// max, when positive, is the most bytes the stream may carry: a Read
	// past it fails with errBodyTooLarge, and over is set.
	max  int64
	over bool
}

// errBodyTooLarge stops a request body that grew past the body limit.
var errBodyTooLarge = errors.New("request body over the limit")

// newBodyTap taps src. hint is the announced body length, or negative when
// unknown; it sizes the capture buffer so that a small body is copied once.
func newBodyTap(src io.Reader, limit, hint int) *bodyTap {
	t := &bodyTap{src: src, limit: limit}
	if hint > 0 {
		t.data = make([]byte, 0, min(hint, limit))
	}
	return t
}

// Read reads from the tapped stream and records what passed.
func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.src.Read(p)
	t.record(p[:n])
	if t.max > 0 && t.size > t.max {
		t.over = true
		return 0, errBodyTooLarge
	}
	return n, err
}

// record counts p and keeps as much of it as the limit still allows.
func (t *bodyTap) record(p []byte) {
	t.size += int64(len(p))
	if room := t.limit - len(t.data); room > 0 {
		t.data = append(t.data, p[:min(room, len(p))]...)
	}
}

// body is what passed through the tap so far.
func (t *bodyTap) body() engine.Body {
	return engine.Body{Data: t.data, Size: t.size, Truncated: t.size > int64(len(t.data))}
}

// capturedBody captures a body the proxy holds whole, such as its own 502
// message, under the same limit as a streamed one.
func capturedBody(p []byte, limit int) engine.Body {
	t := bodyTap{limit: limit}
	t.record(p)
	return t.body()
}
