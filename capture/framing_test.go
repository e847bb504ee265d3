package capture

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestAmbiguousFraming(t *testing.T) {
	for _, tt := range []struct {
		raw    string
		refuse bool
		point  string
	}{
		{"Host: a\r\n\r\n", false, ""},
		{"Host: a\r\nContent-Length: 3\r\n\r\n", false, ""},
		{"Host: a\r\nTransfer-Encoding: chunked\r\n\r\n", false, ""},
		{"Host: a\r\ntransfer-encoding: CHUNKED\r\n\r\n", false, ""},
		{"Host: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", true, "req.header.Content-Length"},
		{"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Content-Length: 3\r\nContent-Length: 3\r\n\r\n", true, "req.header.Content-Length"},
		{"Transfer-Encoding: xchunked\r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Transfer-Encoding:\tchunked\r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Transfer-Encoding: chunked \r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Transfer-Encoding : chunked\r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Transfer-Encoding: x\r\n chunked\r\n\r\n", true, "req.header.Transfer-Encoding"},
		{"Content-Length: 3\r\n\tchunked\r\n\r\n", true, "req.header"},
		{"X-Long: a\r\n b\r\nHost: a\r\n\r\n", false, ""},
		// Lines after the header block are the body's, not headers.
		{"Host: a\r\n\r\nContent-Length: 3\r\nContent-Length: 4\r\n", false, ""},
	} {
		tag, refuse := ambiguousFraming([]byte(tt.raw))
		if refuse != tt.refuse {
			t.Errorf("%q: refused %v, want %v (%+v)", tt.raw, refuse, tt.refuse, tag)
			continue
		}
		if refuse && (tag.Type != engine.AttackProtocol || tag.Rule != SmugglingRule || tag.Point != tt.point || tag.Message == "") {
			t.Errorf("%q: tag %+v, want protocol by %s at %s", tt.raw, tag, SmugglingRule, tt.point)
		}
	}
}

func TestQuotedRequest(t *testing.T) {
	req := "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n"
	err := fmt.Errorf("error when reading request headers: %w: buffer size=%d, contents: %q", errors.New("fasthttp: duplicate content-length header"), len(req), req)
	got, ok := quotedRequest(err)
	if !ok || string(got) != req {
		t.Errorf("quotedRequest = %q, %v; want %q", got, ok, req)
	}
	// fasthttp quotes the first and last 200 bytes of a longer buffer.
	err = fmt.Errorf("x: buffer size=9999, contents: %q...%q", req, "tail")
	if got, ok := quotedRequest(err); !ok || string(got) != req {
		t.Errorf("quotedRequest of a cut buffer = %q, %v; want %q", got, ok, req)
	}
	if _, ok := quotedRequest(errors.New("read tcp: connection reset")); ok {
		t.Error("quotedRequest found a request in an error without one")
	}
}

// FuzzAmbiguousFraming checks that any header block is judged without a
// panic, and that a refusal always comes with a complete protocol tag.
func FuzzAmbiguousFraming(f *testing.F) {
	f.Add([]byte("Host: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"))
	f.Add([]byte("Transfer-Encoding: x\r\n chunked\r\n\r\n"))
	f.Add([]byte(" \r\n:\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tag, refuse := ambiguousFraming(raw)
		if refuse && (tag.Type != engine.AttackProtocol || tag.Rule != SmugglingRule || !strings.HasPrefix(tag.Point, "req.header") || tag.Message == "") {
			t.Fatalf("%q: incomplete tag %+v", raw, tag)
		}
	})
}
