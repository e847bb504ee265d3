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
// An exchange starts when the proxy's handler gets the request: its headers
// have been read, and so has its body when that fits the capture limit
// (a larger body is streamed afterwards and counts towards the duration).
// It ends when the last byte of the response body has been handed to the
// client's connection, or the client went away. A response without a body
// (HEAD, 204, 304) and spoor's own 502 end when the answer is ready to send.
// Duration therefore covers the upstream's work and the relaying of the
// response, which is what the client waited for.
//
// The package copies what an exchange needs out of fasthttp's pooled
// request and response objects before they are reused, so an exchange is
// plain data once offered. It knows nothing of bbolt or Bubble Tea, and it
// does not redact: Authorization, Cookie and Set-Cookie are captured as they
// crossed the proxy, and engine decides what is hashed or kept. Response
// bodies are captured as the upstream sent them, compressed or not, with
// the Content-Encoding that says how to decode them.
//
// A WebSocket handshake (a GET with Connection: Upgrade and Upgrade:
// websocket) goes upstream on a connection of its own. An answer other than
// 101 is relayed as a response; a 101 is relayed and the client's connection
// is then joined to the upstream's until either side closes. The bytes pass
// unchanged while the frame headers are read to count frames per direction,
// payloads skipped by their length, never buffered; a frame that cannot be
// delimited (reserved opcode, long or fragmented control frame, length over
// 2^63) ends the connection. One exchange is recorded when the connection
// ends: the handshake with its 101, engine.WebSocketInfo's counts, and a
// duration that is the connection's life. Shutdown ends open WebSockets and
// waits until they are recorded. Any other upgrade (h2c) is not taken: its
// Upgrade header is dropped like every hop-by-hop header and the request is
// proxied as plain HTTP/1.1.
//
// With Options.Forward the same proxy is a forward proxy (forwardproxy.go,
// mitm.go): clients name their origin with an absolute-form request or a
// CONNECT, a fasthttp.Client reaches any number of origins, and scope
// decides what is captured. An in-scope CONNECT is hijacked and its TLS
// ended with a certificate the local CA (ca.go) mints for the host; the
// requests inside are served by the same fasthttp server and handler
// (ServeConn on the TLS connection, which carries its target) and sent on
// over TLS verified against UpstreamTLS or the system roots. Out-of-scope
// traffic is tunnelled or forwarded without being recorded, and a host
// whose clients refuse the minted certificate twice goes on the
// PinnedHosts list, tunnelled from then on. The CA and the pinned list are the only
// files the package writes.
//
// Known limits, all from fasthttp: the response Date header is stamped by
// the proxy, trailers are not relayed, and a body of unknown length is
// relayed chunked even to an HTTP/1.0 client.
package capture
