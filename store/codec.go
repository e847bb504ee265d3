package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/spoorhq/spoor/engine"
)

// Exchanges are stored as JSON without their body data; the bodies live in
// their own bucket and are read only when a request is opened.

func encodeExchange(x *engine.Exchange) ([]byte, error) {
	c := *x
	c.ReqBody.Data = nil
	c.RespBody.Data = nil
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode exchange %d: %w", x.ID, err)
	}
	return b, nil
}

func decodeExchange(b []byte) (engine.Exchange, error) {
	var x engine.Exchange
	if err := json.Unmarshal(b, &x); err != nil {
		return x, fmt.Errorf("decode exchange: %w", err)
	}
	return x, nil
}

// encodeBodies packs the request and response body as two length-prefixed
// byte strings.
func encodeBodies(req, resp []byte) []byte {
	b := make([]byte, 0, 8+len(req)+len(resp))
	b = binary.BigEndian.AppendUint32(b, uint32(len(req)))
	b = append(b, req...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(resp)))
	return append(b, resp...)
}

func decodeBodies(b []byte) (req, resp []byte, err error) {
	next := func() ([]byte, error) {
		if len(b) < 4 {
			return nil, fmt.Errorf("decode bodies: short record")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(len(b)) < uint64(n) {
			return nil, fmt.Errorf("decode bodies: short record")
		}
		out := append([]byte(nil), b[:n]...)
		b = b[n:]
		return out, nil
	}
	if req, err = next(); err != nil {
		return nil, nil, err
	}
	if resp, err = next(); err != nil {
		return nil, nil, err
	}
	return req, resp, nil
}

func encodeSession(s *engine.Session) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode session %s: %w", s.ID, err)
	}
	return b, nil
}

func decodeSession(b []byte) (engine.Session, error) {
	var s engine.Session
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decode session: %w", err)
	}
	return s, nil
}
