// Package mcp tracks Model Context Protocol sessions and records what is
// unusual in them as explained signals.
//
// Package engine reads MCP traffic (JSON-RPC over streamable HTTP, single
// and batch bodies, JSON and text/event-stream answers) into Exchange.MCP
// and sums it up on Session.MCP; this package judges it. A Tracker is an
// engine.Observer: the Analyzer calls it after grouping each exchange, with
// the live session, and it keeps a little state per session (the tools its
// tools/list answers offered, with their input schemas; its recent errors)
// and per Mcp-Session-Id (the addresses that sent it). It raises:
//
//   - mcp_unlisted_tool: a tools/call of a tool the session's tools/list
//     never offered, or in a session that never listed its tools;
//   - mcp_schema_mismatch: tool arguments that break the listed input
//     schema (required properties missing, wrong JSON types, properties the
//     schema forbids);
//   - mcp_before_initialize: a request before initialize, under the
//     protocol versions that require the handshake (before 2026-07-28);
//   - mcp_session_ips: one Mcp-Session-Id sent from several addresses;
//   - mcp_error_burst: many errors (JSON-RPC errors, failed tool calls,
//     HTTP errors) in a short window.
//
// Each signal is recorded on the exchange and counted on the session with
// engine.Session.AddMCPSignal, so that a session rebuilt from stored
// exchanges counts what the live one counted.
//
// The package does no I/O, reads no clock (times come from the exchanges)
// and starts no goroutines. It imports engine; engine never imports it. A
// Tracker is not safe for concurrent use: it runs on the analysis goroutine
// that owns the Analyzer.
package mcp
