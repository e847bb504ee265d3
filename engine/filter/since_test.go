package filter

import "testing"

func TestWithSince(t *testing.T) {
	tests := []struct{ expr, span, want string }{
		{"", "24h", "since:24h"},
		{"", "", ""},
		{"status:4xx", "1h", "status:4xx since:1h"},
		{"since:15m status:4xx", "24h", "status:4xx since:24h"},
		{"status:4xx  SINCE:2026-11-24  user:\"a  b\"", "", `status:4xx user:"a  b"`},
		{"since:1h|2h !since:5m", "15m", "!since:5m since:15m"},
		{`"unterminated`, "1h", `"unterminated since:1h`},
	}
	for _, tt := range tests {
		if got := WithSince(tt.expr, tt.span); got != tt.want {
			t.Errorf("WithSince(%q, %q) = %q, want %q", tt.expr, tt.span, got, tt.want)
		}
	}
}
