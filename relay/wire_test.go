package relay

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// captured is an exchange with every field a capture node fills.
func captured() engine.Exchange {
	return engine.Exchange{
		Start:    time.Date(2026, 11, 24, 10, 0, 0, 123456789, time.FixedZone("", 3600)),
		Duration: 42 * time.Millisecond, ClientIP: "198.51.100.7", Method: "POST", Scheme: "https",
		Host: "api.test:8443", Path: "/login", Query: "next=%2F",
		ReqHeaders: []engine.Header{{Name: "Cookie", Value: "session=a"}, {Name: "Cookie", Value: "b=2"}},
		ReqBody:    engine.Body{Data: []byte(`{"user":"alice"}`), Size: 1 << 20, Truncated: true},
		Status:     200, RespHeaders: []engine.Header{{Name: "Set-Cookie", Value: "session=b"}},
		RespBody: engine.Body{Data: []byte(`{"token":"t"}`), Size: 13},
		Error:    "upstream reset",
		WS:       &engine.WebSocketInfo{FramesUp: 1, FramesDown: 2, BytesUp: 3, BytesDown: 4, End: "shutdown"},
	}
}

func TestWireRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    engine.Exchange
	}{
		{"every field", captured()},
		{"empty", engine.Exchange{Start: time.Unix(0, 0).UTC()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := ID{Node: "gw-a", Run: 1764900000000000000, Seq: 7}
			gotID, got, err := Decode(Encode(nil, id, &tt.x))
			if err != nil {
				t.Fatal(err)
			}
			if gotID != id {
				t.Errorf("id %+v, want %+v", gotID, id)
			}
			want := tt.x
			want.Node, want.Delivery = "gw-a", "gw-a/1764900000000000000/7"
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestWireRefusesBadMessages(t *testing.T) {
	x := captured()
	good := Encode(nil, ID{Node: "gw-a", Run: 1, Seq: 1}, &x)
	for _, tt := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"other version", append([]byte{9}, good[1:]...)},
		{"truncated", good[:len(good)-3]},
		{"trailing bytes", append(append([]byte(nil), good...), 0)},
		{"bad node", Encode(nil, ID{Node: "gw.a", Run: 1, Seq: 1}, &x)},
		{"huge count", []byte{wireVersion, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		if _, _, err := Decode(tt.b); !errors.Is(err, ErrWire) {
			t.Errorf("%s: err %v, want ErrWire", tt.name, err)
		}
	}
}

func TestCheckNode(t *testing.T) {
	for name, ok := range map[string]bool{"gw-a": true, "pod_7": true, "": false, "gw.a": false, "a b": false, "gw*": false, "x>": false} {
		if err := CheckNode(name); (err == nil) != ok {
			t.Errorf("CheckNode(%q) = %v", name, err)
		}
	}
}

// FuzzDecode feeds the decoder arbitrary messages: it must never panic,
// and what it accepts must encode back to a message that decodes to the
// same exchange.
func FuzzDecode(f *testing.F) {
	x := captured()
	f.Add(Encode(nil, ID{Node: "gw-a", Run: 1, Seq: 1}, &x))
	empty := engine.Exchange{}
	f.Add(Encode(nil, ID{Node: "n", Run: 0, Seq: 0}, &empty))
	f.Add([]byte{wireVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, x, err := Decode(b)
		if err != nil {
			return
		}
		id2, x2, err := Decode(Encode(nil, id, &x))
		if err != nil {
			t.Fatalf("re-encoded message refused: %v", err)
		}
		if id2 != id || !reflect.DeepEqual(x2, x) {
			t.Fatalf("round trip changed the exchange:\n%+v\n%+v", x, x2)
		}
	})
}
