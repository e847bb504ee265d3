package capture

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/valyala/fasthttp"
)

// SmugglingRule names the attack tag the proxy puts on a request whose
// framing is ambiguous: `spoor detectors` lists it.
const SmugglingRule = "spoor-smuggling"

// ambiguousFraming returns the tag for a request whose body framing two
// HTTP parsers could read differently, the shapes request smuggling is
// made of, or false when the framing is plain. raw is the header block as
// it arrived, without the request line:
//   - Content-Length and Transfer-Encoding together (CL.TE, TE.CL);
//   - Content-Length more than once, even with the same value;
//   - Transfer-Encoding more than once, or with any value but chunked
//     ("xchunked", "chunked, identity");
//   - Transfer-Encoding written any way but "Transfer-Encoding: chunked"
//     with one space: a tab or more spaces around the value, white space
//     in the name, a value folded onto the next line.
//
// Clients write the one form (curl, Go, browsers, nginx); the others exist
// to make a front end and a back end disagree. Such a request is refused
// and never forwarded: the proxy cannot know which reading the upstream
// would choose.
func ambiguousFraming(raw []byte) (engine.AttackTag, bool) {
	var cl, te int
	var first []byte // the first framing line, for the tag
	prevFraming := false
	for line := range bytes.Lines(raw) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if prevFraming {
				return smugglingTag(line, "a framing header folded onto the next line"), true
			}
			continue
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		trimmed := bytes.Trim(name, " \t")
		isCL, isTE := bytes.EqualFold(trimmed, []byte("Content-Length")), bytes.EqualFold(trimmed, []byte("Transfer-Encoding"))
		prevFraming = isCL || isTE
		if !prevFraming {
			continue
		}
		if len(trimmed) != len(name) {
			return smugglingTag(line, fmt.Sprintf("white space in the header name %q", name)), true
		}
		if first == nil {
			first = line
		}
		if isCL {
			cl++
			continue
		}
		te++
		if !bytes.EqualFold(value, []byte(" chunked")) && !bytes.EqualFold(value, []byte("chunked")) {
			return smugglingTag(line, fmt.Sprintf("Transfer-Encoding %q, not chunked", bytes.TrimPrefix(value, []byte(" ")))), true
		}
	}
	switch {
	case cl > 0 && te > 0:
		return smugglingTag(first, "both Content-Length and Transfer-Encoding (CL.TE/TE.CL)"), true
	case cl > 1:
		return smugglingTag(first, fmt.Sprintf("Content-Length %d times", cl)), true
	case te > 1:
		return smugglingTag(first, fmt.Sprintf("Transfer-Encoding %d times", te)), true
	}
	return engine.AttackTag{}, false
}

// smugglingTag is the protocol tag on the header line with the reason.
func smugglingTag(line []byte, reason string) engine.AttackTag {
	name, _, _ := bytes.Cut(line, []byte(":"))
	point := "req.header." + string(bytes.Trim(name, " \t"))
	if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		point = "req.header"
	}
	return engine.AttackTag{
		Type:     engine.AttackProtocol,
		Point:    point,
		Rule:     SmugglingRule,
		Fragment: string(line[:min(len(line), 120)]),
		Message:  "ambiguous request framing: " + reason,
	}
}

// serveError answers a request fasthttp could not read. Most are answered
// as fasthttp would; two are also recorded from the start of the request
// fasthttp quotes in its error: one whose header block is over the read
// buffer (--max-header-bytes), answered 431, and one whose framing fasthttp
// refused (a duplicate Content-Length, an unknown or repeated
// Transfer-Encoding, white space in a framing header's name), a smuggling
// shape, tagged and answered 400.
func (p *Proxy) serveError(ctx *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	var op *net.OpError
	switch {
	case errors.As(err, &small):
		p.headerTooLarge(ctx, err)
		return
	case errors.As(err, &op) && op.Timeout():
		// fasthttp's own answer.
		ctx.Error("Request timeout", fasthttp.StatusRequestTimeout)
		return
	}
	head, ok := quotedRequest(err)
	var x *engine.Exchange
	if ok {
		x, ok = p.refusedExchange(ctx, head)
	}
	if !ok {
		ctx.Error("Error when parsing request", fasthttp.StatusBadRequest)
		return
	}
	ctx.SetConnectionClose()
	p.answerError(ctx, x, fasthttp.StatusBadRequest, x.Attacks[0].Message)
}

// headerTooLarge answers 431 to a request whose line and header block do
// not fit the read buffer, before any handler saw it, and records what
// fasthttp quotes of its start: the method, the path and the headers that
// fit in it. Without a quote (fasthttp's secure error messages) the
// exchange has the client alone.
func (p *Proxy) headerTooLarge(ctx *fasthttp.RequestCtx, err error) {
	x := &engine.Exchange{Start: p.clock()}
	if head, ok := quotedRequest(err); ok {
		if hx, _, ok := p.headExchange(ctx, head, true); ok {
			x = hx
		}
	}
	if x.ClientIP == "" {
		p.setPeer(ctx, x)
	}
	ctx.SetConnectionClose()
	p.answerError(ctx, x, fasthttp.StatusRequestHeaderFieldsTooLarge,
		fmt.Sprintf("request line and headers over the limit of %d bytes (--max-header-bytes); recorded as far as the first bytes go", p.server.ReadBufferSize))
}

// quotedRequest is the start of the request fasthttp quotes in a header
// parsing error ("...: buffer size=N, contents: "POST / HTTP/1.1\r\n...""),
// at most its first 200 bytes.
func quotedRequest(err error) ([]byte, bool) {
	msg := err.Error()
	i := strings.Index(msg, "contents: \"")
	if i < 0 {
		return nil, false
	}
	q, qerr := strconv.QuotedPrefix(msg[i+len("contents: "):])
	if qerr != nil {
		return nil, false
	}
	s, qerr := strconv.Unquote(q)
	if qerr != nil {
		return nil, false
	}
	return []byte(s), true
}

// refusedExchange is the exchange of a request fasthttp refused, built
// from its first bytes, when its framing is ambiguous.
func (p *Proxy) refusedExchange(ctx *fasthttp.RequestCtx, head []byte) (*engine.Exchange, bool) {
	x, rest, ok := p.headExchange(ctx, head, false)
	if !ok {
		return nil, false
	}
	tag, ok := ambiguousFraming(rest)
	if !ok {
		return nil, false
	}
	x.Attacks = []engine.AttackTag{tag}
	return x, true
}

// headExchange is the exchange of a request fasthttp could not read, from
// the first bytes of it fasthttp quoted: the request line and the complete
// header lines among them (a last line cut by the quote is left out), and
// the header block as it arrived. With cutLine, a request line the quote
// cut short is taken too, its target as far as it goes. Its client is the
// peer: forwarding headers of a request that cannot be read are not
// believed.
func (p *Proxy) headExchange(ctx *fasthttp.RequestCtx, head []byte, cutLine bool) (*engine.Exchange, []byte, bool) {
	reqLine, rest, found := bytes.Cut(head, []byte("\n"))
	fields := strings.Fields(string(reqLine))
	switch {
	case found && len(fields) != 3, !found && (!cutLine || len(fields) < 2):
		return nil, nil, false
	}
	target, query, _ := strings.Cut(fields[1], "?")
	x := &engine.Exchange{
		Start:  p.clock(),
		Method: method([]byte(fields[0])),
		Path:   engine.DecodePath(target),
		Query:  query,
		Scheme: "http",
	}
	if ctx.IsTLS() {
		x.Scheme = "https"
	}
	for line := range bytes.Lines(rest) {
		if !bytes.HasSuffix(line, []byte("\n")) {
			break // cut by the quote
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		h := engine.Header{Name: string(name), Value: string(bytes.Trim(value, " \t"))}
		x.ReqHeaders = append(x.ReqHeaders, h)
		if strings.EqualFold(h.Name, "Host") {
			x.Host = h.Value
		}
	}
	p.setPeer(ctx, x)
	return x, rest, true
}

// setPeer makes the TCP peer x's client.
func (p *Proxy) setPeer(ctx *fasthttp.RequestCtx, x *engine.Exchange) {
	if peer := peerAddr(ctx.RemoteAddr()); peer.IsValid() {
		x.ClientIP = peer.String()
	}
}
