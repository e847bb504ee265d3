// Package capture owns spoor's capturing reverse proxy: a fasthttp server
// that forwards every request to one upstream API, relays the answer to the
// client unchanged, and turns each request/response pair into an
// engine.Exchange handed to a Sink.
//
// Forwarding comes first. Bodies of any size are streamed in both
// directions; only the first Options.CaptureLimit bytes of each side are
// copied into the exchange. Hop-by-hop headers are stripped, X-Forwarded-For
// is extended, and an unreachable upstream is answered with a plain-text 502
// that is recorded like any other exchange. The Sink is offered each
// exchange without waiting, so a slow analysis can only drop exchanges (and
// count them), never slow the traffic down.
//
// The package copies what an exchange needs out of fasthttp's pooled
// request and response objects before they are reused, so an exchange is
// plain data once offered. It knows nothing of bbolt or Bubble Tea, and it
// does not redact: Authorization, Cookie and Set-Cookie are captured as they
// crossed the proxy, and engine decides what is hashed or kept.
package capture
