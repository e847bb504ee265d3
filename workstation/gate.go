package workstation

import (
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
	"github.com/spoorhq/spoor/engine/rules"
)

// ruleGate applies the saved rules: on the proxy's path (capture.Gate)
// block and virtual patch rules answer instead of the upstream, and in
// the detection stage mute rules mark the tags they cover. The rule set
// and the prejudge sit behind atomic pointers, so a change reaches the
// next request without a lock or a restart.
type ruleGate struct {
	set      atomic.Pointer[rules.Set]
	prejudge atomic.Pointer[engine.Prejudge]
	// detector runs tier 1 on the requests a virtual patch covers; nil
	// with NoDetect, when virtual patches cannot apply.
	detector *detect.Detector
	// exempt are the client addresses no rule blocks: loopback and the
	// trusted forwarding peers, unless Options.BlockLocal.
	exempt []netip.Prefix
	clock  func() time.Time
}

// newRuleGate builds a gate exempting loopback and trusted unless
// blockLocal.
func newRuleGate(trusted []netip.Prefix, blockLocal bool) *ruleGate {
	g := &ruleGate{clock: time.Now}
	if !blockLocal {
		g.exempt = append([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, trusted...)
	}
	return g
}

// judge is the proxy's capture.Gate. With no blocking rule it costs one
// atomic load; the client address, the request's key, user and flows, and
// tier 1 are computed only when an enabled rule needs them.
func (g *ruleGate) judge(x *engine.Exchange) (status int, ruleID string) {
	set := g.set.Load()
	if !set.Blocking() || g.isExempt(x.ClientIP) {
		return 0, ""
	}
	now := g.clock()
	y := *x // judged on a copy: the prejudge fills Flows, tier 1 reads it
	var sess *engine.Session
	if set.NeedsSession() {
		if p := g.prejudge.Load(); p != nil {
			s := p.Session(&y)
			sess = &s
		}
	}
	if r, ok := set.Block(&y, sess, now); ok {
		return r.StatusOrDefault(), r.ID
	}
	if g.detector != nil && set.Patched(&y, sess, now) {
		if r, ok := set.Patch(&y, sess, g.detector.Tier1(&y), now); ok {
			return r.StatusOrDefault(), r.ID
		}
	}
	return 0, ""
}

func (g *ruleGate) isExempt(ip string) bool {
	if len(g.exempt) == 0 {
		return false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	return slices.ContainsFunc(g.exempt, func(p netip.Prefix) bool { return p.Contains(a) })
}

// mute marks the tags of x that a mute rule covers. It runs in the
// detection stage, on the clear exchange, before the tags are counted.
func (g *ruleGate) mute(x *engine.Exchange, tags []engine.AttackTag) {
	set := g.set.Load()
	if set == nil || len(tags) == 0 {
		return
	}
	now := g.clock()
	var sess *engine.Session
	for i := range tags {
		if tags[i].Muted() {
			continue
		}
		if sess == nil {
			if p := g.prejudge.Load(); p != nil {
				y := *x
				s := p.Session(&y)
				sess = &s
			}
		}
		if r, ok := set.Mute(x, sess, tags[i], now); ok {
			tags[i].MutedBy = r.ID
		}
	}
}
