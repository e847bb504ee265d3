package relay

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// wireVersion starts every message. The encoding carries what a capture
// node knows of an exchange: the request and response as captured, with
// their bodies (as far as the capture cap kept them), and a WebSocket's
// counts. What the workstation derives (session, endpoint, context, flows,
// attack tags) is not sent: it is derived there. A change that an older
// collector would misread takes a new version, which that collector
// refuses (and terminates the message) rather than guess.
//
// Version 2 is version 1 sealed (key.go): the version byte stays in the
// clear, so that a collector of version 1 refuses a sealed message and
// one of version 2 refuses a clear one, and what follows it is sealed.
// Encode and Decode read and write the clear encoding, which never
// leaves the process.
const wireVersion = 2

// ErrWire is wrapped by every decoding error: the message is not an
// exchange this spoor can read.
var ErrWire = errors.New("malformed exchange message")

// Encode appends the encoding of x published under id to b, for Key.Seal.
// It reads x and keeps nothing of it.
func Encode(b []byte, id ID, x *engine.Exchange) []byte {
	b = append(b, wireVersion)
	b = putString(b, id.Node)
	b = binary.AppendUvarint(b, id.Run)
	b = binary.AppendUvarint(b, id.Seq)
	_, offset := x.Start.Zone()
	b = binary.AppendVarint(b, x.Start.UnixNano())
	b = binary.AppendVarint(b, int64(offset))
	b = binary.AppendVarint(b, int64(x.Duration))
	for _, s := range [...]string{x.ClientIP, x.Method, x.Scheme, x.Host, x.Path, x.Query} {
		b = putString(b, s)
	}
	b = putHeaders(b, x.ReqHeaders)
	b = putBody(b, x.ReqBody)
	b = binary.AppendVarint(b, int64(x.Status))
	b = putHeaders(b, x.RespHeaders)
	b = putBody(b, x.RespBody)
	b = putString(b, x.Error)
	if x.WS == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	for _, n := range [...]int64{x.WS.FramesUp, x.WS.FramesDown, x.WS.BytesUp, x.WS.BytesDown} {
		b = binary.AppendVarint(b, n)
	}
	return putString(b, x.WS.End)
}

// Decode reads an encoding Encode wrote, as Key.Open returns it. The
// exchange's Node is the id's and its Delivery the id's string; nothing in
// it aliases b.
func Decode(b []byte) (ID, engine.Exchange, error) {
	if len(b) == 0 || b[0] != wireVersion {
		if len(b) > 0 {
			return ID{}, engine.Exchange{}, fmt.Errorf("%w: version %d, want %d", ErrWire, b[0], wireVersion)
		}
		return ID{}, engine.Exchange{}, fmt.Errorf("%w: empty", ErrWire)
	}
	r := wireReader{b: b, i: 1}
	var id ID
	id.Node = r.str()
	id.Run, id.Seq = r.uvarint(), r.uvarint()
	var x engine.Exchange
	nanos, offset := r.varint(), r.varint()
	x.Start = startTime(nanos, offset)
	x.Duration = time.Duration(r.varint())
	for _, p := range [...]*string{&x.ClientIP, &x.Method, &x.Scheme, &x.Host, &x.Path, &x.Query} {
		*p = r.str()
	}
	x.ReqHeaders = r.headers()
	x.ReqBody = r.body()
	x.Status = int(r.varint())
	x.RespHeaders = r.headers()
	x.RespBody = r.body()
	x.Error = r.str()
	switch r.byte() {
	case 0:
	case 1:
		ws := &engine.WebSocketInfo{}
		for _, p := range [...]*int64{&ws.FramesUp, &ws.FramesDown, &ws.BytesUp, &ws.BytesDown} {
			*p = r.varint()
		}
		ws.End = r.str()
		x.WS = ws
	default:
		r.fail("websocket flag")
	}
	if r.err == nil && r.i != len(b) {
		r.fail(fmt.Sprintf("%d bytes after the end", len(b)-r.i))
	}
	if r.err != nil {
		return ID{}, engine.Exchange{}, r.err
	}
	if err := CheckNode(id.Node); err != nil {
		return ID{}, engine.Exchange{}, fmt.Errorf("%w: %w", ErrWire, err)
	}
	x.Node, x.Delivery = id.Node, id.String()
	return id, x, nil
}

// startTime rebuilds a start time in its zone's offset, as the proxy's
// clock gave it; UTC stays UTC, so equal exchanges compare equal.
func startTime(nanos, offset int64) time.Time {
	t := time.Unix(0, nanos)
	if offset == 0 {
		return t.UTC()
	}
	if offset < -18*3600 || offset > 18*3600 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(offset)))
}

func putString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func putHeaders(b []byte, hs []engine.Header) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		b = putString(b, h.Name)
		b = putString(b, h.Value)
	}
	return b
}

func putBody(b []byte, body engine.Body) []byte {
	b = binary.AppendVarint(b, body.Size)
	if body.Truncated {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(body.Data)))
	return append(b, body.Data...)
}

// wireReader reads a message; the first failure sticks in err, and every
// later read returns zero values.
type wireReader struct {
	b   []byte
	i   int
	err error
}

func (r *wireReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d", ErrWire, what, r.i)
	}
}

func (r *wireReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.i += n
	return v
}

func (r *wireReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.i:])
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.i += n
	return v
}

func (r *wireReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.i >= len(r.b) {
		r.fail("truncated")
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

// bytes reads a length-prefixed run, refusing a length beyond the message.
func (r *wireReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.i) {
		r.fail("length beyond the end")
		return nil
	}
	s := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

func (r *wireReader) str() string { return string(r.bytes()) }

// count reads a number of items, each at least two bytes long, so that a
// forged count cannot make the decoder allocate beyond the message.
func (r *wireReader) count() int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)-r.i)/2 {
		r.fail("count beyond the end")
		return 0
	}
	return int(n)
}

func (r *wireReader) headers() []engine.Header {
	n := r.count()
	if n == 0 {
		return nil
	}
	hs := make([]engine.Header, n)
	for i := range hs {
		hs[i].Name, hs[i].Value = r.str(), r.str()
	}
	return hs
}

func (r *wireReader) body() engine.Body {
	var body engine.Body
	body.Size = r.varint()
	switch r.byte() {
	case 0:
	case 1:
		body.Truncated = true
	default:
		r.fail("truncated flag")
	}
	if data := r.bytes(); len(data) > 0 {
		body.Data = append([]byte(nil), data...)
	}
	return body
}
