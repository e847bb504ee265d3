package capture

import (
	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

// Gate decides, before a request is forwarded, whether a rule answers it
// instead of the upstream: it returns the status to answer and the rule's
// id, or a status of 0 to forward. It sees the request side of the
// exchange (no body: the gate must not wait for one) and must not keep x.
// It runs on the proxy's path, so it must be cheap when no rule applies.
type Gate func(x *engine.Exchange) (status int, ruleID string)

// gated answers x from the gate when a rule blocks it, and reports
// whether it did. The upstream is never called for a blocked request.
func (p *Proxy) gated(ctx *fasthttp.RequestCtx, x *engine.Exchange) bool {
	if p.gate == nil {
		return false
	}
	status, ruleID := p.gate(x)
	if status == 0 {
		return false
	}
	x.BlockedBy = ruleID
	p.answerPlain(ctx, x, status, "spoor: blocked by rule "+ruleID+"\n")
	return true
}
