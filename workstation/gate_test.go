package workstation

import (
	"net/netip"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
	"github.com/spoorhq/spoor/engine/rules"
)

func testGate(t testing.TB, blockLocal bool, rs ...rules.Rule) *ruleGate {
	t.Helper()
	g := newRuleGate([]netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}, blockLocal)
	cfg := engine.DefaultConfig()
	cfg.Context = []engine.ContextParam{{Point: "req.header.X-User", Type: engine.ParamUser}}
	p, err := engine.NewPrejudge(cfg, engine.NewHasher([]byte("secret")))
	if err != nil {
		t.Fatal(err)
	}
	g.prejudge.Store(p)
	set, err := rules.Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	g.set.Store(set)
	return g
}

func gateRequest(ip, user, target string) *engine.Exchange {
	x := &engine.Exchange{ClientIP: ip, Method: "GET", Host: "shop.test", Path: target,
		ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "curl/8.5.0"}, {Name: "X-User", Value: user}}}
	if i := len(target); i > 0 {
		for j := range target {
			if target[j] == '?' {
				x.Path, x.Query = target[:j], target[j+1:]
				break
			}
		}
	}
	return x
}

func TestGateExemptsLoopbackAndTrustedPeers(t *testing.T) {
	block := rules.Rule{ID: "all-get", Action: rules.Block, Filter: "method:GET", Status: 429}
	g := testGate(t, false, block)
	for _, ip := range []string{"127.0.0.1", "::1", "192.0.2.1"} {
		if status, _ := g.judge(gateRequest(ip, "", "/")); status != 0 {
			t.Errorf("%s blocked with %d: loopback and trusted peers are exempt by default", ip, status)
		}
	}
	if status, id := g.judge(gateRequest("198.51.100.1", "", "/")); status != 429 || id != "all-get" {
		t.Errorf("a public client: %d %q, want 429 by all-get", status, id)
	}
	g = testGate(t, true, block)
	if status, _ := g.judge(gateRequest("127.0.0.1", "", "/")); status != 429 {
		t.Errorf("with block-local, loopback is judged too: %d", status)
	}
}

func TestGateJudgesUserKeyAndExpiry(t *testing.T) {
	g := testGate(t, false,
		rules.Rule{ID: "mallory", Action: rules.Block, Filter: "user:mallory"},
		rules.Rule{ID: "gone", Action: rules.Block, Filter: "path:/old", Expires: time.Now().Add(-time.Minute)},
	)
	if status, id := g.judge(gateRequest("198.51.100.1", "mallory", "/a")); status != 403 || id != "mallory" {
		t.Errorf("mallory: %d %q", status, id)
	}
	if status, _ := g.judge(gateRequest("198.51.100.1", "alice", "/a")); status != 0 {
		t.Errorf("alice blocked with %d", status)
	}
	if status, _ := g.judge(gateRequest("198.51.100.1", "", "/old")); status != 0 {
		t.Errorf("an expired rule blocked with %d", status)
	}
	// A key id blocks the actor whatever user it claims.
	x := gateRequest("198.51.100.9", "", "/a")
	y := *x
	s := g.prejudge.Load().Session(&y)
	g = testGate(t, false, rules.Rule{ID: "key", Action: rules.Block, Filter: "key:" + s.KeyID})
	if status, _ := g.judge(x); status != 403 {
		t.Errorf("the key %s (%s) was not blocked", s.KeyID, s.KeyPoint)
	}
	if status, _ := g.judge(gateRequest("198.51.100.10", "", "/a")); status != 0 {
		t.Errorf("another key was blocked")
	}
}

func TestGateVirtualPatchAndMute(t *testing.T) {
	d, err := detect.New(detect.Options{NoCRS: true})
	if err != nil {
		t.Fatal(err)
	}
	g := testGate(t, false,
		rules.Rule{ID: "patch", Action: rules.VirtualPatch, Filter: "endpoint:/search", Attack: engine.AttackSQLi},
		rules.Rule{ID: "fp", Action: rules.Mute, Filter: "path:/comments", Attack: engine.AttackXSS},
	)
	g.detector = d
	const sqli = "q=1%27%20OR%20%271%27%3D%271"
	if status, id := g.judge(gateRequest("198.51.100.1", "", "/search?"+sqli)); status != 403 || id != "patch" {
		t.Errorf("sqli on /search: %d %q", status, id)
	}
	for _, target := range []string{"/search?q=shoes", "/other?" + sqli} {
		if status, _ := g.judge(gateRequest("198.51.100.1", "", target)); status != 0 {
			t.Errorf("%s blocked with %d", target, status)
		}
	}
	for _, path := range []string{"/comments", "/profile"} {
		x := gateRequest("198.51.100.1", "", path+"?text=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
		tags := d.Tier1(x)
		if len(tags) == 0 {
			t.Fatalf("tier 1 found nothing in %s", x.Target())
		}
		g.mute(x, tags)
		for _, tag := range tags {
			if want := tag.Type == engine.AttackXSS && path == "/comments"; tag.Muted() != want {
				t.Errorf("%s: tag %s muted=%v, want %v", path, tag.Type, tag.Muted(), want)
			}
		}
	}
}

// BenchmarkGate is the proxy's cost of the rules per request: none saved,
// one block by address, one by user (the prejudge names the user), and a
// virtual patch on another endpoint than the request's.
func BenchmarkGate(b *testing.B) {
	d, err := detect.New(detect.Options{NoCRS: true})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name  string
		rules []rules.Rule
	}{
		{"off", nil},
		{"block-ip", []rules.Rule{{ID: "r", Action: rules.Block, Filter: "ip:203.0.113.0/24"}}},
		{"block-user", []rules.Rule{{ID: "r", Action: rules.Block, Filter: "user:mallory"}}},
		{"patch-other-endpoint", []rules.Rule{{ID: "r", Action: rules.VirtualPatch, Filter: "endpoint:/search", Attack: engine.AttackSQLi}}},
		{"patch-this-endpoint", []rules.Rule{{ID: "r", Action: rules.VirtualPatch, Filter: "endpoint:/api/items/{id}", Attack: engine.AttackSQLi}}},
	}
	for _, c := range cases {
		g := testGate(b, false, c.rules...)
		g.detector = d
		x := gateRequest("198.51.100.1", "alice", "/api/items/42?sort=price")
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status, _ := g.judge(x); status != 0 {
					b.Fatal("blocked")
				}
			}
		})
	}
}
