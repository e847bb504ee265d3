// Package demo is the traffic that `spoor demo` investigates without any
// setup: a small shop API and a cast of simulated actors that call it through
// the capture proxy.
//
// The API (NewAPI) is plain net/http. It is deterministic for a seed, so two
// runs show the same catalog and profiles, and it answers like a real service:
// JSON bodies, cookie and bearer-JWT authentication, paging, 401, 403 and 404,
// and an occasional slow response. It validates every input and stores
// nothing, so injection payloads meet a 400 or an empty result, never a query.
//
// The actors (RunActors, described by Cast) send real HTTP to the proxy, each
// from its own documentation-range address carried in X-Forwarded-For and
// with its own User-Agent: people who shop with a session cookie or a mobile
// app's bearer token, and a scanner, a credential stuffer, a scraper and an
// enumerator; an AI coding agent that uses the shop's MCP server (/mcp,
// streamable HTTP with an Mcp-Session-Id) and a storefront that browses it
// through GraphQL (/graphql). They are paced like the clients they imitate
// and never exceed a bounded request rate, whatever the speed-up.
//
// The package owns only this simulation. It must not import capture, store or
// tui: cmd wires the API behind the proxy and points the actors at it.
package demo
