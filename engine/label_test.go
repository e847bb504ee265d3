package engine

import "testing"

// TestLabel checks the one actor name the TUI list and the CLI tables
// show, for each kind of session.
func TestLabel(t *testing.T) {
	tests := []struct {
		name string
		s    Session
		want string
	}{
		{"user found by a context parameter", Session{User: "mallory", Actor: "resp.cookie.sid 3c281072", KeyPoint: "resp.cookie.sid"}, "mallory"},
		{"MCP client from initialize", Session{KeyPoint: "resp.header.Mcp-Session-Id", KeyID: "b0bbf2031234", Actor: "resp.header.Mcp-Session-Id b0bbf203",
			MCP: &SessionMCP{Client: "claude-code/1.0"}}, "claude-code/1.0 b0bbf203"},
		{"MCP session without initialize", Session{KeyPoint: "req.header.Mcp-Session-Id", KeyID: "0badc0de9999", Actor: "req.header.Mcp-Session-Id 0badc0de"}, "mcp session 0badc0de"},
		{"HAR recording keyed by its browser", Session{KeyPoint: "req.ua", Actor: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"}, "Firefox/133.0"},
		{"address and user agent", Session{KeyPoint: "req.ip+req.ua", Actor: "192.0.2.66 sqlmap/1.8"}, "192.0.2.66 sqlmap/1.8"},
		{"hashed key", Session{KeyPoint: "req.cookie.sid", Actor: "req.cookie.sid 3c281072"}, "req.cookie.sid 3c281072"},
	}
	for _, tt := range tests {
		if got := tt.s.Label(); got != tt.want {
			t.Errorf("%s: Label() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestProduct checks the browser or client a user agent names.
func TestProduct(t *testing.T) {
	tests := map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0":                                      "Firefox/133.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36": "Chrome/131.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15": "Safari/18.1",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86": "Edg/131.0.2903.86",
		"okhttp/4.12.0":             "okhttp/4.12.0",
		"ShopApp/4.2 (iPhone; iOS)": "ShopApp/4.2",
		"Mozilla/5.0 (compatible)":  "Mozilla/5.0 (compatible)",
		"":                          "",
	}
	for ua, want := range tests {
		if got := Product(ua); got != want {
			t.Errorf("Product(%q) = %q, want %q", ua, got, want)
		}
	}
}

// TestUserAgentFallback checks that an exchange without a client address,
// as a HAR records it, is keyed by its user agent rather than left
// unidentified, and that one with an address never is.
func TestUserAgentFallback(t *testing.T) {
	a := NewAnalyzer(SessionizerOptions{}, testHasher())
	har := a.Process(exchangeAt(0, "GET", "/", "", "User-Agent", "Mozilla/5.0 (X11) Gecko/20100101 Firefox/133.0"))
	if har.KeyPoint != "req.ua" || har.Label() != "Firefox/133.0" {
		t.Errorf("exchange without an address: key %q, label %q", har.KeyPoint, har.Label())
	}
	if s := a.Process(exchangeAt(0, "GET", "/", "192.0.2.1")); s.KeyPoint != "req.ip" {
		t.Errorf("exchange with an address and no user agent: key %q, want req.ip", s.KeyPoint)
	}
	if s := a.Process(exchangeAt(0, "GET", "/", "")); s.KeyPoint != "" || s.Label() != "(unidentified)" {
		t.Errorf("exchange with neither: key %q, label %q", s.KeyPoint, s.Label())
	}
}
