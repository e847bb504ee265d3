package export

import (
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestCurl(t *testing.T) {
	hashed := engine.NewHasher([]byte("k")).Hash("tok-123")
	tests := []struct {
		name  string
		x     engine.Exchange
		want  string
		notes []string
	}{
		{name: "GET without extras", x: engine.Exchange{Method: "GET", Host: "api.test", Path: "/items"},
			want: `curl 'http://api.test/items'`},
		{name: "hop-by-hop and computed headers dropped, compressed once",
			x: engine.Exchange{Method: "GET", Scheme: "https", Host: "api.test", Path: "/a", Query: "b=1", ReqHeaders: []engine.Header{
				{Name: "Host", Value: "api.test"}, {Name: "Connection", Value: "keep-alive"}, {Name: "Keep-Alive", Value: "5"}, {Name: "TE", Value: "trailers"},
				{Name: "Transfer-Encoding", Value: "chunked"}, {Name: "Upgrade", Value: "h2c"}, {Name: "Proxy-Connection", Value: "x"}, {Name: "Proxy-Authorization", Value: "Basic eA=="},
				{Name: "Content-Length", Value: "0"}, {Name: ":authority", Value: "api.test"}, {Name: "Accept-Encoding", Value: "gzip"}, {Name: "accept-encoding", Value: "br"},
				{Name: "Accept", Value: "*/*"}}},
			want: "curl 'https://api.test/a?b=1' \\\n  --compressed \\\n  -H 'Accept: */*'"},
		{name: "a Host other than the URL's is kept", x: engine.Exchange{Method: "GET", Host: "10.0.0.1:8080", Path: "/", ReqHeaders: []engine.Header{{Name: "Host", Value: "shop.test"}}},
			want: "curl 'http://10.0.0.1:8080/' \\\n  -H 'Host: shop.test'"},
		{name: "HEAD is --head", x: engine.Exchange{Method: "HEAD", Host: "a", Path: "/f.pdf"},
			want: `curl --head 'http://a/f.pdf'`},
		{name: "POST with a body that needs $'…'", x: engine.Exchange{Method: "POST", Host: "a", Path: "/n", ReqBody: engine.Body{Data: []byte("x\x01'\\y\n")}},
			want: "curl -X 'POST' 'http://a/n' \\\n  --data-binary $'x\\x01\\'\\\\y\\x0a'"},
		{name: "quotes in a header", x: engine.Exchange{Method: "DELETE", Host: "a", Path: "/n/1", ReqHeaders: []engine.Header{{Name: "X-Note", Value: "it's"}}},
			want: "curl -X 'DELETE' 'http://a/n/1' \\\n  -H 'X-Note: it'\\''s'"},
		{name: "no method but a body", x: engine.Exchange{Host: "a", Path: "/", ReqBody: engine.Body{Data: []byte("q")}},
			want: "curl -X 'GET' 'http://a/' \\\n  --data-binary 'q'"},
		{name: "a decoded path's space is encoded again", x: engine.Exchange{Method: "GET", Host: "a", Path: "/a b/\x7f", Query: "q=%20"},
			want: `curl 'http://a/a%20b/%7F?q=%20'`},
		{name: "no host: the Host header, else localhost", x: engine.Exchange{Method: "GET", Path: "/x", ReqHeaders: []engine.Header{{Name: "Host", Value: "h.test"}}},
			want: "curl 'http://h.test/x' \\\n  -H 'Host: h.test'"},
		{name: "hashed credentials and a cut body are noted", x: engine.Exchange{Method: "PUT", Host: "a", Path: "/p",
			ReqHeaders: []engine.Header{{Name: "Authorization", Value: "Bearer " + hashed}}, ReqBody: engine.Body{Data: []byte("ab"), Size: 10, Truncated: true}},
			want:  "curl -X 'PUT' 'http://a/p' \\\n  -H 'Authorization: Bearer " + hashed + "' \\\n  --data-binary 'ab'",
			notes: []string{"credentials are stored as keyed hashes", "captured in part: 2 of 10 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Curl(&tt.x); got != tt.want {
				t.Errorf("Curl =\n%s\nwant\n%s", got, tt.want)
			}
			notes := CurlNotes(&tt.x)
			if strings.Count(notes, "\n") != 1+len(tt.notes) || !strings.HasPrefix(notes, "# ") {
				t.Errorf("notes %q, want %d lines", notes, 1+len(tt.notes))
			}
			for _, n := range tt.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes %q lack %q", notes, n)
				}
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		x    engine.Exchange
		want string
	}{
		{engine.Exchange{Scheme: "https", Host: "a.test", Path: "/p", Query: "x=%2F"}, "https://a.test/p?x=%2F"},
		{engine.Exchange{Path: "/p"}, "http://localhost/p"},
		{engine.Exchange{Path: "/a b", ReqHeaders: []engine.Header{{Name: "host", Value: "h"}}}, "http://h/a%20b"},
		{engine.Exchange{Host: "h", Path: "/100%/a?b#c/café", Query: "q=1"}, "http://h/100%25/a%3Fb%23c/café?q=1"},
	}
	for _, tt := range tests {
		if got := URL(&tt.x); got != tt.want {
			t.Errorf("URL(%+v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}

// TestCurlCommentsStayComments checks that client-chosen text in an
// export's comments (an actor from a token's claims, a client address
// from an imported file) cannot end a comment line and add a command to
// the script.
func TestCurlCommentsStayComments(t *testing.T) {
	s := engine.Session{ID: "s1", Actor: "ann\ntouch /tmp/pwned-by-actor"}
	x := engine.Exchange{Method: "GET", Host: "a", Path: "/", ClientIP: "192.0.2.1\r\ntouch /tmp/pwned-by-ip #"}
	var b strings.Builder
	err := WriteCurl(&b, s, 1, func(fn func(*engine.Exchange) error) error { return fn(&x) })
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "curl ") && !strings.HasPrefix(line, "  ") {
			t.Errorf("export line %q is neither a comment nor part of a curl command", line)
		}
	}
	if !strings.Contains(b.String(), "touch /tmp/pwned-by-actor") {
		t.Errorf("export lost the actor's text:\n%s", b.String())
	}
}
