package detect

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestCRSType(t *testing.T) {
	tests := []struct {
		id   int
		tags []string
		want string
	}{
		{942100, nil, engine.AttackSQLi},
		{942290, nil, engine.AttackNoSQLi},
		{941100, nil, engine.AttackXSS},
		{930100, nil, engine.AttackPathTraversal},
		{930120, nil, engine.AttackLFI},
		{931100, nil, engine.AttackRFI},
		{932160, nil, engine.AttackCmdInjection},
		{933160, nil, engine.AttackCodeInjection},
		{934110, []string{"attack-ssrf"}, engine.AttackSSRF},
		{934180, []string{"attack-ssti", "attack-injection-generic"}, engine.AttackSSTI},
		{934130, []string{"attack-rce", "attack-injection-generic"}, engine.AttackGeneric},
		{943120, nil, engine.AttackSessionFixation},
		{944150, nil, engine.AttackCodeInjection},
		{913100, nil, engine.AttackScanner},
		{920350, nil, engine.AttackProtocol},
		{921130, nil, engine.AttackProtocol},
		{942014, nil, ""}, // paranoia-level skip
		{949110, nil, ""}, // anomaly score
		{901100, nil, ""},
		{200002, nil, ""},
	}
	for _, tt := range tests {
		if got := crsType(tt.id, tt.tags); got != tt.want {
			t.Errorf("crsType(%d, %v) = %q, want %q", tt.id, tt.tags, got, tt.want)
		}
	}
}

func TestCRSPoint(t *testing.T) {
	x := get("/p?q=1&a%5Bb%5D=2")
	tests := []struct {
		variable, key, want string
	}{
		{"ARGS", "q", "req.query.q"},
		{"ARGS", "a[b]", "req.query.a[b]"},
		{"ARGS", "user", "req.form.user"},
		{"ARGS", "json.user.name", "req.json.user.name"},
		{"ARGS_NAMES", "json.items.0", "req.json.items.0"},
		{"ARGS_NAMES", "json.user.pw.$ne", "req.json.user.pw"},
		{"ARGS_GET", "json.x", "req.query.json.x"},
		{"REQUEST_COOKIES", "sid", "req.cookie.sid"},
		{"REQUEST_HEADERS", "user-agent", "req.header.User-Agent"},
		{"REQUEST_FILENAME", "", "req.path"},
		{"REQUEST_BODY", "", "req.body"},
		{"XML", "//@*", "req.body"},
		{"TX", "anomaly_score", ""},
	}
	for _, tt := range tests {
		got, _ := crsPoint(x, tt.variable, tt.key)
		if got != tt.want {
			t.Errorf("crsPoint(%s, %q) = %q, want %q", tt.variable, tt.key, got, tt.want)
		}
	}
}
