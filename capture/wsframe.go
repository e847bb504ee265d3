package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxFrameHeader is the longest WebSocket frame header: two bytes, an
// eight-byte length and a four-byte mask key.
const maxFrameHeader = 14

// errFrameLength is a 64-bit payload length with its top bit set, which
// RFC 6455 section 5.2 forbids.
var errFrameLength = errors.New("payload length over 2^63")

// frameCounter follows the WebSocket frames (RFC 6455 section 5.2) of one
// direction of a connection as its bytes pass, in chunks cut anywhere. It
// reads frame headers only and skips payloads by their length, so it holds
// at most one header whatever the size of a message; masked payloads are
// skipped like any other, and continuation frames count as frames.
type frameCounter struct {
	hdr  [maxFrameHeader]byte
	have int // bytes of the current header gathered so far
	// payload is what remains of the current frame's payload.
	payload uint64
	// frames is the number of frame headers read whole; bytes is what the
	// relay passed on, which it adds itself.
	frames, bytes int64
}

// feed reads the next chunk of the stream. It returns how many bytes of p
// precede a malformed frame — all of them when there is none — and what is
// malformed. A malformed frame whose header began in an earlier chunk is
// reported with n = 0.
func (c *frameCounter) feed(p []byte) (n int, err error) {
	i := 0
	start := 0 // where the header being read began in p
	for i < len(p) {
		if c.payload > 0 {
			skip := min(c.payload, uint64(len(p)-i))
			c.payload -= skip
			i += int(skip)
			continue
		}
		if c.have == 0 {
			start = i
		}
		want := 2
		if c.have >= 2 {
			want = frameHeaderSize(c.hdr[0], c.hdr[1])
		}
		k := copy(c.hdr[c.have:want], p[i:])
		c.have += k
		i += k
		if c.have == 2 {
			if want = frameHeaderSize(c.hdr[0], c.hdr[1]); want > 2 {
				continue
			}
		}
		if c.have < want {
			continue
		}
		size, err := checkFrameHeader(c.hdr[:c.have])
		if err != nil {
			return start, err
		}
		c.frames++
		c.payload = size
		c.have = 0
	}
	return len(p), nil
}

// frameHeaderSize is the length of a frame header from its first two bytes.
func frameHeaderSize(_, b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// checkFrameHeader returns the payload length of a whole frame header, or
// why the frame cannot be relayed: a reserved opcode, a fragmented or long
// control frame, a length over 2^63. The reserved bits are left to the
// extensions the two ends negotiated (permessage-deflate sets RSV1), and
// masking to the ends as well: the proxy only needs to find frame
// boundaries.
func checkFrameHeader(h []byte) (uint64, error) {
	fin, op := h[0]&0x80 != 0, h[0]&0x0f
	size := uint64(h[1] & 0x7f)
	switch size {
	case 126:
		size = uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		size = binary.BigEndian.Uint64(h[2:10])
		if size>>63 != 0 {
			return 0, errFrameLength
		}
	}
	switch op {
	case 0, 1, 2: // continuation, text, binary
	case 8, 9, 10: // close, ping, pong
		if !fin {
			return 0, fmt.Errorf("fragmented control frame (opcode %#x)", op)
		}
		if size > 125 {
			return 0, fmt.Errorf("control frame of %d bytes (opcode %#x), over 125", size, op)
		}
	default:
		return 0, fmt.Errorf("reserved opcode %#x", op)
	}
	return size, nil
}
