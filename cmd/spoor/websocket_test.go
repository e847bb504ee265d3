package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestProxyWebSocket puts the real binary between a client and a
// gorilla/websocket echo server. Through one WebSocket the client sends ten
// text frames, a message in three fragments and a binary frame with a
// 64-bit length, and gets each echo back; through another it sends a frame
// with a reserved opcode, which ends that connection. The proxy keeps
// serving, and after it stops the store passes its checks and holds one
// 101 exchange per connection with its frames and bytes counted per
// direction.
func TestProxyWebSocket(t *testing.T) {
	upgrader := websocket.Upgrader{}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !websocket.IsWebSocketUpgrade(r) {
			io.WriteString(w, "ok")
			return
		}
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if c.WriteMessage(mt, data) != nil {
				return
			}
		}
	}))
	defer up.Close()
	p := startHardenedProxy(t, up.URL)

	c, br := openWebSocket(t, p.addr, "/chat")
	const n = 10
	var upBytes, downBytes int64
	send := func(fin bool, op byte, payload []byte) {
		f := clientFrame(fin, op, payload)
		upBytes += int64(len(f))
		if _, err := c.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(op byte, want []byte) {
		t.Helper()
		gotOp, got := serverFrame(t, br)
		downBytes += int64(len(clientFrame(true, op, want)) - 4) // unmasked: no key
		if gotOp != op || !bytes.Equal(got, want) {
			t.Fatalf("echo: opcode %d, %d bytes %.20q; want opcode %d %.20q", gotOp, len(got), got, op, want)
		}
	}
	for i := range n {
		send(true, 1, fmt.Appendf(nil, "message %d", i))
	}
	send(false, 1, []byte("frag-"))
	send(false, 0, []byte("ment-"))
	send(true, 0, []byte("ed"))
	big := bytes.Repeat([]byte("spoor"), 20000)
	send(true, 2, big)
	for i := range n {
		expect(1, fmt.Appendf(nil, "message %d", i))
	}
	expect(1, []byte("frag-ment-ed"))
	expect(2, big)
	send(true, 8, []byte{0x03, 0xe8})
	expect(8, []byte{0x03, 0xe8})
	c.Close()

	bad, badReader := openWebSocket(t, p.addr, "/bad")
	bad.Write(clientFrame(true, 3, []byte("?")))
	if _, err := badReader.ReadByte(); err == nil {
		t.Fatal("a connection that sent a malformed frame stayed open")
	}
	p.serving(t, "/ok")

	xs := p.stop(t)
	chat := findPath(xs, "/chat")
	if len(chat) != 1 || chat[0].Status != http.StatusSwitchingProtocols || chat[0].WS == nil {
		t.Fatalf("/chat stored as %+v", chat)
	}
	ws := chat[0].WS
	if ws.FramesUp != n+3+1+1 || ws.FramesDown != n+1+1+1 || ws.BytesUp != upBytes || ws.BytesDown != downBytes || ws.End != "" {
		t.Fatalf("/chat counts %+v; want %d frames up, %d down, %d bytes up, %d down", ws, n+5, n+3, upBytes, downBytes)
	}
	badX := findPath(xs, "/bad")
	if len(badX) != 1 || badX[0].WS == nil || badX[0].WS.FramesUp != 0 || !strings.Contains(badX[0].WS.End, "reserved opcode") {
		t.Fatalf("/bad stored as %+v", badX)
	}
}

// openWebSocket does a client's handshake with the proxy at addr and
// returns the connection and a reader past the 101.
func openWebSocket(t *testing.T, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: api.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake answered %s %v", resp.Status, resp.Header)
	}
	return c, br
}

// clientFrame encodes a masked frame, as a client sends it.
func clientFrame(fin bool, op byte, payload []byte) []byte {
	b := []byte{op}
	if fin {
		b[0] |= 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0x80|126), uint16(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0x80|127), uint64(n))
	}
	key := []byte{0xa1, 0xb2, 0xc3, 0xd4}
	b = append(b, key...)
	for i, c := range payload {
		b = append(b, c^key[i%4])
	}
	return b
}

// serverFrame reads one whole, unmasked frame and returns its opcode and
// payload.
func serverFrame(t *testing.T, r *bufio.Reader) (byte, []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatalf("frame header: %v", err)
	}
	if h[0]&0x80 == 0 || h[1]&0x80 != 0 {
		t.Fatalf("frame header %x: want a final, unmasked frame", h)
	}
	n := uint64(h[1] & 0x7f)
	if n >= 126 {
		ext := make([]byte, 2)
		if n == 127 {
			ext = make([]byte, 8)
		}
		if _, err := io.ReadFull(r, ext); err != nil {
			t.Fatalf("frame length: %v", err)
		}
		n = 0
		for _, c := range ext {
			n = n<<8 | uint64(c)
		}
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		t.Fatalf("frame payload: %v", err)
	}
	return h[0] & 0x0f, payload
}
