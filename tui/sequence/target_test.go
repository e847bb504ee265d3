package sequence

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

func TestReadable(t *testing.T) {
	for _, tc := range []struct {
		name        string
		path, query string
		want        string
	}{
		{"no query", "/api/users/42", "", "/api/users/42"},
		{"plain query", "/p", "page=2&sort=-created_at", "/p?page=2&sort=-created_at"},
		{"sqli with plus", "/products", "page=1%27+OR+%271%27%3D%271", "/products?page=1' OR '1'='1"},
		{"utf-8", "/search", "q=caf%C3%A9+cr%C3%A8me&sort=price%2Cdesc", "/search?q=café crème&sort=price,desc"},
		{"encoded separators stay inside their value", "/s", "a=x%26b%3Dy&c", "/s?a=x&b=y&c"},
		{"malformed escapes kept", "/s", "q=100%+off%zz%4", "/s?q=100% off%zz%4"},
		{"decoded path unchanged", "/files/annual report 100%.pdf", "", "/files/annual report 100%.pdf"},
		{"name without value", "/s", "debug&x%20y", "/s?debug&x y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := engine.Exchange{Path: tc.path, Query: tc.query}
			if got := Readable(&x); got != tc.want {
				t.Errorf("Readable = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	x := engine.Exchange{Path: "/files/a b", Query: "q=%1b%5b31mred+x"}
	if got, want := target(&x, false), `/files/a b?q=\x1b[31mred x`; got != want {
		t.Errorf("decoded target = %q, want %q", got, want)
	}
	if got, want := target(&x, true), "/files/a%20b?q=%1b%5b31mred+x"; got != want {
		t.Errorf("raw target = %q, want %q", got, want)
	}
	op := engine.Exchange{Path: "/mcp", MCP: &engine.MCPInfo{Messages: []engine.MCPMessage{{Method: "tools/list"}}}}
	if got := target(&op, true); got != "tools/list" {
		t.Errorf("an MCP request's target = %q, want its operation", got)
	}
}

// FuzzReadable checks that decoding any query never panics, agrees with
// url.QueryUnescape on each well-formed component, and, once sanitized as
// the sequence draws it, holds no control or format character.
func FuzzReadable(f *testing.F) {
	for _, q := range []string{"page=1%27+OR+%271%27%3D%271", "q=%1b%5b31m", "a=%zz&b=%4", "%", "=&=", "q=%E2%80%AEevil", "x=%ff%fe"} {
		f.Add("/p", q)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		x := engine.Exchange{Path: path, Query: query}
		got := Readable(&x)
		if query == "" && got != path {
			t.Fatalf("Readable without a query = %q, want the path %q", got, path)
		}
		for _, pair := range strings.Split(query, "&") {
			for _, part := range strings.SplitN(pair, "=", 2) {
				if want, err := url.QueryUnescape(part); err == nil && unescape(part) != want {
					t.Fatalf("unescape(%q) = %q, url.QueryUnescape says %q", part, unescape(part), want)
				}
			}
		}
		shown := target(&x, false)
		for i, r := range shown {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(shown[i:]); size <= 1 {
					t.Fatalf("target %q holds an invalid byte at %d", shown, i)
				}
			}
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("target %q holds %U", shown, r)
			}
		}
		if raw := target(&x, true); strings.ContainsFunc(raw, unicode.IsControl) {
			t.Fatalf("raw target %q holds a control character", raw)
		}
	})
}
