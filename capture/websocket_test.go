package capture

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/spoorhq/spoor/ingest"
)

// wsFrame encodes one frame; a client's frames are masked.
func wsFrame(fin bool, op byte, payload []byte, masked bool) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	var mbit byte
	if masked {
		mbit = 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, mbit|byte(n))
	case n <= 0xffff:
		out = append(out, mbit|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, mbit|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	if !masked {
		return append(out, payload...)
	}
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	out = append(out, key[:]...)
	for i, c := range payload {
		out = append(out, c^key[i%4])
	}
	return out
}

// readWSFrame reads one unmasked frame, as a server sends it.
func readWSFrame(t *testing.T, r *bufio.Reader) (fin bool, op byte, payload []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatalf("read frame header: %v", err)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		io.ReadFull(r, l[:])
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		io.ReadFull(r, l[:])
		n = binary.BigEndian.Uint64(l[:])
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		t.Fatalf("read frame payload: %v", err)
	}
	return h[0]&0x80 != 0, h[0] & 0x0f, payload
}

// echoUpstream is a gorilla/websocket server that echoes every message,
// reassembled, as one frame, and answers a request without the upgrade
// with a 403.
func echoUpstream(t *testing.T) *httptest.Server {
	return httptest.NewServer(echoHandler())
}

func echoHandler() http.Handler {
	up := websocket.Upgrader{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !websocket.IsWebSocketUpgrade(r) {
			http.Error(w, "websocket only", http.StatusForbidden)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, data); err != nil {
				return
			}
		}
	})
}

// dialWS opens a WebSocket through the proxy by hand and returns the
// connection with a reader past the 101.
func dialWS(t *testing.T, proxyURL, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(proxyURL, "http://"))
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
		t.Fatalf("read handshake answer: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake answered %s", resp.Status)
	}
	// RFC 6455's own example key and accept value.
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("Sec-WebSocket-Accept = %q", got)
	}
	return c, br
}

// TestWebSocketRelay opens a WebSocket through the proxy to a real echo
// server and sends text frames, a message in three fragments and a binary
// frame with a 64-bit length; each echo comes back, and the one exchange
// recorded for the connection is the 101 with every frame and byte counted
// per direction.
func TestWebSocketRelay(t *testing.T) {
	h := newHarness(t, echoUpstream(t), Options{})
	c, br := dialWS(t, h.url, "/chat?room=1")

	texts := []string{"one", "two", "three"}
	for _, s := range texts {
		c.Write(wsFrame(true, 1, []byte(s), true))
	}
	c.Write(wsFrame(false, 1, []byte("frag-"), true))
	c.Write(wsFrame(false, 0, []byte("ment-"), true))
	c.Write(wsFrame(true, 0, []byte("ed"), true))
	big := bytes.Repeat([]byte("0123456789"), 7000)
	c.Write(wsFrame(true, 2, big, true))

	want := []struct {
		op   byte
		data []byte
	}{{1, []byte("one")}, {1, []byte("two")}, {1, []byte("three")}, {1, []byte("frag-ment-ed")}, {2, big}}
	for _, w := range want {
		fin, op, data := readWSFrame(t, br)
		if !fin || op != w.op || !bytes.Equal(data, w.data) {
			t.Fatalf("echo: fin %v op %d %d bytes %.20q; want op %d %.20q", fin, op, len(data), data, w.op, w.data)
		}
	}
	closing := []byte{0x03, 0xe8} // 1000, normal closure
	c.Write(wsFrame(true, 8, closing, true))
	if _, op, _ := readWSFrame(t, br); op != 8 {
		t.Fatalf("answer to close: opcode %d", op)
	}

	x := h.next(t)
	if x.Status != http.StatusSwitchingProtocols || x.Path != "/chat" || x.Query != "room=1" || x.WS == nil {
		t.Fatalf("recorded %d %s?%s ws %+v", x.Status, x.Path, x.Query, x.WS)
	}
	size := func(n int, masked bool) int64 { return int64(len(wsFrame(true, 1, make([]byte, n), masked))) }
	var up, down int64
	for _, n := range []int{3, 3, 5, 5, 5, 2, len(big), 2} {
		up += size(n, true)
	}
	for _, n := range []int{3, 3, 5, 12, len(big), 2} {
		down += size(n, false)
	}
	ws := *x.WS
	if ws.FramesUp != 8 || ws.FramesDown != 6 || ws.BytesUp != up || ws.BytesDown != down || ws.End != "" {
		t.Fatalf("ws = %+v; want 8 frames up, 6 down, %d bytes up, %d down", ws, up, down)
	}
	if x.RespHeader("Sec-WebSocket-Accept") == "" || x.Duration <= 0 {
		t.Fatalf("response headers %v, duration %v", x.RespHeaders, x.Duration)
	}
}

// TestWebSocketHTTPSUpstream opens a WebSocket to an https upstream: the
// proxy dials it in TLS with the configured trust.
func TestWebSocketHTTPSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(echoHandler())
	h := newHarness(t, up, Options{UpstreamTLS: up.Client().Transport.(*http.Transport).TLSClientConfig})
	c, br := dialWS(t, h.url, "/secure")
	c.Write(wsFrame(true, 1, []byte("over tls"), true))
	if _, _, data := readWSFrame(t, br); string(data) != "over tls" {
		t.Fatalf("echo %q", data)
	}
	c.Close()
	if x := h.next(t); x.Status != http.StatusSwitchingProtocols || x.WS == nil || x.WS.FramesUp != 1 || x.WS.FramesDown != 1 {
		t.Fatalf("recorded %d ws %+v", x.Status, x.WS)
	}
}

// TestWebSocketMalformedFrameEndsRelay sends a frame with a reserved opcode
// after a good one: the good one is echoed, the connection is closed, and
// the exchange says why.
func TestWebSocketMalformedFrameEndsRelay(t *testing.T) {
	h := newHarness(t, echoUpstream(t), Options{})
	c, br := dialWS(t, h.url, "/chat")
	c.Write(wsFrame(true, 1, []byte("fine"), true))
	if _, _, data := readWSFrame(t, br); string(data) != "fine" {
		t.Fatalf("echo %q", data)
	}
	c.Write(wsFrame(true, 3, []byte("bad"), true))
	if _, err := br.ReadByte(); err == nil {
		t.Fatal("the connection stayed open after a malformed frame")
	}
	x := h.next(t)
	if x.WS == nil || x.WS.FramesUp != 1 || x.WS.FramesDown != 1 || !strings.Contains(x.WS.End, "malformed frame from the client: reserved opcode 0x3") {
		t.Fatalf("ws = %+v", x.WS)
	}
}

// TestWebSocketRefusedUpgrade relays an upstream's refusal of the handshake
// as the response it is.
func TestWebSocketRefusedUpgrade(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no sockets here", http.StatusForbidden)
	}))
	h := newHarness(t, up, Options{})
	req, _ := http.NewRequest(http.MethodGet, h.url+"/chat", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || string(body) != "no sockets here\n" {
		t.Fatalf("got %s %q", resp.Status, body)
	}
	x := h.next(t)
	if x.Status != http.StatusForbidden || x.WS != nil || string(x.RespBody.Data) != "no sockets here\n" {
		t.Fatalf("recorded %d ws %v body %q", x.Status, x.WS, x.RespBody.Data)
	}
}

// TestOtherUpgradeIsPlainHTTP sends an h2c upgrade: the Upgrade header does
// not reach the upstream and the request is answered as HTTP/1.1.
func TestOtherUpgradeIsPlainHTTP(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upgrade="+r.Header.Get("Upgrade"))
	}))
	h := newHarness(t, up, Options{})
	req, _ := http.NewRequest(http.MethodGet, h.url+"/", nil)
	req.Header.Set("Connection", "Upgrade, HTTP2-Settings")
	req.Header.Set("Upgrade", "h2c")
	req.Header.Set("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "upgrade=" {
		t.Fatalf("got %s %q", resp.Status, body)
	}
	if x := h.next(t); x.Status != http.StatusOK || x.WS != nil {
		t.Fatalf("recorded %d ws %v", x.Status, x.WS)
	}
}

// TestShutdownEndsWebSockets shuts the proxy down with a WebSocket open:
// Shutdown ends it and returns once it is recorded.
func TestShutdownEndsWebSockets(t *testing.T) {
	h := newHarness(t, echoUpstream(t), Options{})
	c, br := dialWS(t, h.url, "/chat")
	c.Write(wsFrame(true, 1, []byte("hi"), true))
	readWSFrame(t, br)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.proxy.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case x := <-h.queue.C():
		if x.WS == nil || x.WS.FramesUp != 1 || x.WS.End != "the proxy shut down" {
			t.Fatalf("ws = %+v", x.WS)
		}
	default:
		t.Fatal("Shutdown returned before the WebSocket was recorded")
	}
}

// frameStream is a client's stream of well-formed frames of every length
// form, control frames among them.
func frameStream() ([]byte, int64) {
	var s []byte
	frames := [][]byte{
		wsFrame(true, 1, []byte("hello"), true),
		wsFrame(false, 2, make([]byte, 300), true),
		wsFrame(true, 0, make([]byte, 70000), true),
		wsFrame(true, 9, nil, true),
		wsFrame(true, 10, []byte("p"), false),
		wsFrame(true, 8, []byte{3, 232}, true),
	}
	for _, f := range frames {
		s = append(s, f...)
	}
	return s, int64(len(frames))
}

// TestFrameCounterChunks feeds one stream whole, a byte at a time, and cut
// at every place up to the third frame: the frames counted never change.
func TestFrameCounterChunks(t *testing.T) {
	s, want := frameStream()
	var whole frameCounter
	if n, err := whole.feed(s); n != len(s) || err != nil || whole.frames != want {
		t.Fatalf("whole: n %d err %v frames %d", n, err, whole.frames)
	}
	var bytewise frameCounter
	for i := range s {
		if _, err := bytewise.feed(s[i : i+1]); err != nil {
			t.Fatalf("byte %d: %v", i, err)
		}
	}
	if bytewise.frames != want {
		t.Fatalf("byte by byte: %d frames", bytewise.frames)
	}
	for cut := range 400 {
		var c frameCounter
		c.feed(s[:cut])
		c.feed(s[cut:])
		if c.frames != want {
			t.Fatalf("cut at %d: %d frames", cut, c.frames)
		}
	}
}

// TestFrameCounterMalformed lists what ends a relay, and checks that what
// came before the bad frame in the same chunk is still passed on.
func TestFrameCounterMalformed(t *testing.T) {
	good := wsFrame(true, 1, []byte("ok"), true)
	long := []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}
	cases := map[string][]byte{
		"reserved opcode 0x3":      wsFrame(true, 3, nil, false),
		"reserved opcode 0xb":      wsFrame(true, 0xb, nil, false),
		"fragmented control frame": wsFrame(false, 9, nil, false),
		"control frame of 126":     wsFrame(true, 8, make([]byte, 126), false),
		"payload length over 2^63": long,
	}
	for want, bad := range cases {
		var c frameCounter
		n, err := c.feed(append(append([]byte(nil), good...), bad...))
		if err == nil || !strings.Contains(err.Error(), want) || n != len(good) || c.frames != 1 {
			t.Errorf("%s: n %d err %v frames %d", want, n, err, c.frames)
		}
	}
}

// FuzzFrameCounter checks that the counter never panics, never claims more
// than it was given, and counts a stream the same however it is cut.
func FuzzFrameCounter(f *testing.F) {
	s, _ := frameStream()
	f.Add(s, 7)
	f.Add([]byte{0x81, 0xfe, 0x01}, 1)
	f.Add([]byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, 5)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		var whole frameCounter
		n, err := whole.feed(data)
		if n < 0 || n > len(data) || (err == nil && n != len(data)) {
			t.Fatalf("whole: n %d of %d, err %v", n, len(data), err)
		}
		cut = int(uint(cut) % uint(len(data)+1))
		var split frameCounter
		_, err1 := split.feed(data[:cut])
		if err1 == nil {
			_, err1 = split.feed(data[cut:])
		}
		if (err == nil) != (err1 == nil) || split.frames != whole.frames {
			t.Fatalf("cut at %d: frames %d err %v; whole %d err %v", cut, split.frames, err1, whole.frames, err)
		}
	})
}

// TestWebSocketUnreachableUpstream answers a handshake the upstream cannot
// take with the 502 any request gets, recorded with the reason.
func TestWebSocketUnreachableUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := "http://" + ln.Addr().String()
	ln.Close() // Nothing listens there any more.
	q := ingest.NewQueue(4)
	_, url := startProxy(t, Options{Upstream: upstream, Sink: q})
	req, _ := http.NewRequest(http.MethodGet, url+"/chat", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "spoor: upstream " + upstream + " unreachable: "
	if resp.StatusCode != http.StatusBadGateway || !strings.HasPrefix(string(body), want) {
		t.Fatalf("got %s %q, want 502 starting %q", resp.Status, body, want)
	}
	x := <-q.C()
	if x.Status != http.StatusBadGateway || x.WS != nil || !strings.Contains(x.Error, "unreachable") {
		t.Fatalf("recorded %d ws %v error %q", x.Status, x.WS, x.Error)
	}
}
