// Package engine is spoor's domain: exchanges, request points, grouping keys,
// sessions, context parameters, business flows, scope and the configuration
// that sets them.
//
// It owns the rules that turn a stream of request/response pairs into the
// sessions an investigator reads:
//
//   - request points (point.go) name places in an exchange, and a View
//     (view.go) reads them lazily: headers, cookies, query and form
//     parameters, JSON paths, bearer and Basic credentials, JWT claims;
//   - grouping keys (grouping.go) are tried in order, and the first value
//     found identifies the session by its keyed hash (hash.go), so that a
//     token returned at login stitches to the requests that send it back;
//   - the Sessionizer splits each key value's traffic after an inactivity
//     gap and at most every 24 hours;
//   - the Analyzer adds context parameters (context.go), business flows
//     (flows.go) and endpoint templates (endpoint.go), and replaces
//     credentials (redact.go) and hashed values (scrub.go) by their hashes
//     before anything is stored;
//   - MCP (mcpview.go, over jsonrpc.go and sse.go) and GraphQL (gqlview.go)
//     requests are read into Exchange.MCP and Exchange.GQL and serve the
//     req.mcp.* and req.gql.* points; a session sums up its MCP traffic
//     (mcpinfo.go), and observers (protocol.go) from sub-packages judge it;
//   - Config (config.go, configyaml.go) is the YAML file that sets all this,
//     and scope.go says which traffic is kept at all.
//
// It is plain Go with no I/O: it imports none of bbolt, fasthttp or Bubble
// Tea, starts no goroutines, and reads no clock (times come from the
// exchanges), so a test can drive it with literals. Detection and abuse
// scoring grow their own vocabulary and live in sub-packages that import
// engine, never the reverse.
package engine
