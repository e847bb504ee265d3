package detect

import (
	"reflect"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestTier2Memo checks that a repeated request gets the Core Rule Set's
// own answer back, and that requests differing in any input tier 2 reads
// (address, query, a header, the body) are checked afresh: each answer
// equals that of a detector that never saw the others.
func TestTier2Memo(t *testing.T) {
	d := newCRSDetector(t, Options{})
	base := func() *engine.Exchange {
		return &engine.Exchange{
			ClientIP: "198.51.100.7", Method: "POST", Host: "shop.example.com", Path: "/search", Query: "q=shoes",
			ReqHeaders: []engine.Header{{Name: "Host", Value: "shop.example.com"}, {Name: "User-Agent", Value: "Mozilla/5.0"}, {Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			ReqBody:    engine.Body{Data: []byte("note=hello")},
		}
	}
	variants := map[string]func(x *engine.Exchange){
		"same":    func(*engine.Exchange) {},
		"address": func(x *engine.Exchange) { x.ClientIP = "198.51.100.8" },
		"query":   func(x *engine.Exchange) { x.Query = "q=1' UNION SELECT password FROM users--" },
		"header":  func(x *engine.Exchange) { x.ReqHeaders[1].Value = "sqlmap/1.8" },
		"body":    func(x *engine.Exchange) { x.ReqBody.Data = []byte("note=<script>alert(1)</script>") },
	}
	answer := func(d *Detector, name string) []engine.AttackTag {
		t.Helper()
		x := base()
		variants[name](x)
		tags, err := d.Tier2(x, d.Tier1(x))
		if err != nil {
			t.Fatal(err)
		}
		return tags
	}
	first := map[string][]engine.AttackTag{}
	for name := range variants {
		first[name] = answer(d, name)
	}
	for name := range variants {
		if got := answer(d, name); !reflect.DeepEqual(got, first[name]) {
			t.Errorf("%s repeated: %v, first time %v", name, got, first[name])
		}
		if fresh := answer(newCRSDetector(t, Options{}), name); !reflect.DeepEqual(fresh, first[name]) {
			t.Errorf("%s: %v, a fresh detector says %v", name, first[name], fresh)
		}
	}
	for _, name := range []string{"query", "header", "body"} {
		if len(first[name]) == 0 {
			t.Errorf("%s: no tag, so the test shows nothing about the memo", name)
		}
	}
	// The answer handed out is a copy: changing it changes no later one.
	got := answer(d, "query")
	got[0].Fragment = "changed"
	if again := answer(d, "query"); again[0].Fragment == "changed" {
		t.Error("a caller's change reached the memo")
	}
}
