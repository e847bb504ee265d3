package relay

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/natstest"
)

// testKey is a relay key of fill bytes.
func testKey(t testing.TB, fill byte) *Key {
	t.Helper()
	k, err := NewKey(bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// seal seals the encoding of x under id with k.
func seal(t testing.TB, k *Key, id ID, x *engine.Exchange) []byte {
	t.Helper()
	msg, err := k.Seal(nil, id, Encode(nil, id, x))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// secrets are the credentials login carries, each of which must never
// reach the stream in the clear.
var secrets = []string{"s3cret-token", "hunter2-passw0rd", "c00kie-value", "returned-t0ken"}

// login is an exchange carrying every one of secrets.
func login() engine.Exchange {
	x := captured()
	x.ReqHeaders = []engine.Header{{Name: "Authorization", Value: "Bearer s3cret-token"}, {Name: "Cookie", Value: "sid=c00kie-value"}}
	x.ReqBody = engine.Body{Data: []byte(`{"user":"alice","password":"hunter2-passw0rd"}`), Size: 46}
	x.RespHeaders = []engine.Header{{Name: "Set-Cookie", Value: "sid=c00kie-value; HttpOnly"}}
	x.RespBody = engine.Body{Data: []byte(`{"token":"returned-t0ken"}`), Size: 26}
	return x
}

// checkSealed fails t if b holds any of secrets in the clear.
func checkSealed(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s holds %q in the clear", what, s)
		}
	}
}

func TestSealHidesSecretsAndOpens(t *testing.T) {
	k := testKey(t, 1)
	x := login()
	id := ID{Node: "gw-a", Run: 1764900000000000000, Seq: 7}
	plain := Encode(nil, id, &x)
	// The clear encoding holds them, so the check below means something.
	if !bytes.Contains(plain, []byte("Bearer s3cret-token")) || !bytes.Contains(plain, []byte(`"password":"hunter2-passw0rd"`)) {
		t.Fatal("the clear encoding lacks the secrets")
	}
	msg := seal(t, k, id, &x)
	checkSealed(t, "the sealed message", msg)
	if msg[0] != wireVersion {
		t.Errorf("sealed message starts with %d, want the version %d in the clear", msg[0], wireVersion)
	}
	if again := seal(t, k, id, &x); bytes.Equal(again, msg) {
		t.Error("two seals of one encoding are equal: the nonce is not random")
	}
	opened, err := k.Open(id.String(), msg)
	if err != nil {
		t.Fatal(err)
	}
	gotID, got, err := Decode(opened)
	if err != nil {
		t.Fatal(err)
	}
	want := x
	want.Node, want.Delivery = id.Node, id.String()
	if gotID != id || !reflect.DeepEqual(got, want) {
		t.Errorf("opened\n%+v\nwant\n%+v", got, want)
	}
	// Ids in other blocks of sequence numbers are sealed with other
	// subkeys, and open as well.
	for _, seq := range []uint64{1<<blockBits - 1, 1 << blockBits, 1<<64 - 1} {
		id := ID{Node: "gw-a", Run: 1, Seq: seq}
		if _, err := k.Open(id.String(), seal(t, k, id, &x)); err != nil {
			t.Errorf("seq %d: %v", seq, err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	k := testKey(t, 1)
	x := login()
	id := ID{Node: "gw-a", Run: 1, Seq: 1}
	plain := Encode(nil, id, &x)
	msg := seal(t, k, id, &x)
	flipped := bytes.Clone(msg)
	flipped[len(flipped)/2] ^= 1
	for _, tt := range []struct {
		name string
		key  *Key
		id   string
		msg  []byte
		want error
	}{
		{"another key", testKey(t, 2), id.String(), msg, ErrSealed},
		{"another id", k, ID{Node: "gw-a", Run: 1, Seq: 2}.String(), msg, ErrSealed},
		{"another block's id", k, ID{Node: "gw-a", Run: 1, Seq: 1 << blockBits}.String(), msg, ErrSealed},
		{"the id spelt otherwise", k, "gw-a/01/1", msg, ErrSealed},
		{"no id", k, "", msg, ErrSealed},
		{"not an id", k, "gw.a/1/1", msg, ErrSealed},
		{"a changed byte", k, id.String(), flipped, ErrSealed},
		{"truncated", k, id.String(), msg[:len(msg)-1], ErrSealed},
		{"only the version", k, id.String(), msg[:1], ErrSealed},
		{"the clear encoding", k, id.String(), plain, ErrSealed},
		{"version 1, clear", k, id.String(), append([]byte{1}, plain[1:]...), ErrWire},
		{"empty", k, id.String(), nil, ErrWire},
	} {
		if _, err := tt.key.Open(tt.id, tt.msg); !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestReadKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	key := bytes.Repeat([]byte{1}, KeySize)
	for _, tt := range []struct {
		name, path string
		err        string // "" for a key read
	}{
		{"good", write("good.key", key, 0o600), ""},
		{"owner read only", write("ro.key", key, 0o400), ""},
		{"missing", filepath.Join(dir, "none.key"), MakeKey},
		{"short", write("short.key", key[:16], 0o600), "has 16 bytes, want exactly 32"},
		{"empty", write("empty.key", nil, 0o600), MakeKey},
		{"long", write("long.key", append(key, '\n'), 0o600), "more than 32 bytes"},
		{"group readable", write("group.key", key, 0o640), "readable by others (mode 0640): chmod 600"},
		{"world readable", write("world.key", key, 0o604), "chmod 600"},
		{"a directory", dir, "not a file"},
	} {
		k, err := ReadKey(tt.path)
		if tt.err == "" {
			if err != nil || k == nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err %v, want one line with %q", tt.name, err, tt.err)
		}
	}
	if _, err := NewKey(key[:31]); err == nil {
		t.Error("NewKey took 31 bytes")
	}
}

// TestPublishedMessagesAreSealed publishes a login through a Publisher to
// a real JetStream and reads the message back as the stream stores it:
// none of its credentials is there in the clear, and the relay key opens
// it to the exchange as captured.
func TestPublishedMessagesAreSealed(t *testing.T) {
	ns := natstest.Start(t)
	k := testKey(t, 1)
	streamOpts := StreamOptions{MaxAge: time.Hour}
	p, err := Publish(PublishOptions{Conn: ConnOptions{URL: ns.URL()}, Stream: streamOpts, Node: "gw-a", Key: k})
	if err != nil {
		t.Fatal(err)
	}
	x := login()
	if !p.Offer(&x) {
		t.Fatal("offer refused")
	}
	if err := p.Close(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(ns.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, streamOpts.name())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := stream.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkSealed(t, "the stored message", raw.Data)
	for name, values := range raw.Header {
		checkSealed(t, "header "+name, []byte(strings.Join(values, " ")))
	}
	msgID := raw.Header.Get(jetstream.MsgIDHeader)
	plain, err := k.Open(msgID, raw.Data)
	if err != nil {
		t.Fatal(err)
	}
	id, got, err := Decode(plain)
	if err != nil {
		t.Fatal(err)
	}
	if id.String() != msgID || got.ReqHeader("Authorization") != "Bearer s3cret-token" || string(got.ReqBody.Data) != string(x.ReqBody.Data) {
		t.Errorf("opened %s as %s: %+v", msgID, id, got)
	}
}

// FuzzOpen feeds Open arbitrary messages and ids: it must never panic,
// and what it opens must decode without panicking.
func FuzzOpen(f *testing.F) {
	k := testKey(f, 1)
	x := captured()
	id := ID{Node: "gw-a", Run: 1, Seq: 1}
	f.Add(id.String(), seal(f, k, id, &x))
	f.Add("", []byte{wireVersion})
	f.Add("gw-a/1/1", []byte{})
	f.Fuzz(func(t *testing.T, id string, b []byte) {
		plain, err := k.Open(id, b)
		if err != nil {
			return
		}
		_, _, _ = Decode(plain)
	})
}

func TestParseID(t *testing.T) {
	for _, id := range []ID{{Node: "gw-a", Run: 1764900000000000000, Seq: 7}, {Node: "n", Run: 0, Seq: 1<<64 - 1}} {
		if got, err := ParseID(id.String()); err != nil || got != id {
			t.Errorf("ParseID(%q) = %+v, %v", id.String(), got, err)
		}
	}
	for _, s := range []string{"", "gw-a", "gw-a/1", "gw-a/1/x", "gw-a/-1/1", "/1/1", "a/b/1/1", "gw-a/1/18446744073709551616"} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q) took it", s)
		}
	}
}

func TestWriteKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relay.key")
	if err := WriteKey(path); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKey(path); err != nil {
		t.Fatal(err)
	}
	if err := WriteKey(path); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Errorf("second WriteKey: %v", err)
	}
}
