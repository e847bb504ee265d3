package filter

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
)

func TestBlockedAndMutedTerms(t *testing.T) {
	blocked := engine.Exchange{Path: "/a", Status: 403, BlockedBy: "block-mallory"}
	muted := engine.Exchange{Path: "/b", Attacks: []engine.AttackTag{{Type: "xss", MutedBy: "fp-b"}}}
	tagged := engine.Exchange{Path: "/c", Attacks: []engine.AttackTag{{Type: "xss"}, {Type: "sqli", MutedBy: "fp-c"}}}
	tests := []struct {
		expr string
		x    *engine.Exchange
		want bool
	}{
		{"blocked:any", &blocked, true},
		{"blocked:block-*", &blocked, true},
		{"blocked:other", &blocked, false},
		{"blocked:any", &muted, false},
		{"!blocked:any", &muted, true},
		{"attack:xss", &muted, false},
		{"attack:any", &muted, false},
		{"attack:xss", &tagged, true},
		{"attack:sqli", &tagged, false},
	}
	for _, tt := range tests {
		f, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if got := f.MatchExchange(tt.x); got != tt.want {
			t.Errorf("%s on %s = %v, want %v", tt.expr, tt.x.Path, got, tt.want)
		}
	}
}
