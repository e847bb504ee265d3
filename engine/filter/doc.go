// Package filter is spoor's filter language: one grammar for the TUI's
// filter bar and the --filter flag of `spoor sessions` and `spoor requests`.
//
// A filter is a list of terms separated by spaces, all of which must hold:
//
//	status:4xx !method:GET path:/api/**  since:1h  "curl 8"
//
// A term is field:value or a bare word, optionally negated with a leading
// "!". A value may list alternatives, a|b|c, any of which may hold, and any
// value or word may be quoted ("a b", with \" and \\ inside). Field names
// are case-insensitive.
//
//	ip        an address (2001:db8::1), a prefix (10.0.0.0/8) or a glob (10.0.*)
//	user      the session's user (glob, case-insensitive)
//	role      the session's role
//	key       the session's grouping key point (req.cookie.sid), key id or key value
//	session   a session id, or a key id for every part of that key
//	method    GET, POST, ... (case-insensitive)
//	host      the request's host, with or without its port (glob)
//	path      the request path: * is one segment's worth of characters, ** any
//	          number of segments, ? one character; a trailing /** also
//	          matches the bare prefix
//	endpoint  the templated path (/users/{id}), globbed like path
//	status    404, 4xx, or a comparison >=500
//	attack    an attack type (sqli, xss, ...) or any
//	flow      a business flow name (Auth, Billing, ...)
//	abuse     a verdict type (credential_stuffing, ..., declared_crawler) or
//	          any, which is every abuse type but the declared_crawler class
//	dur       a duration comparison: >500ms, <=2s, =0s
//	size      a byte-size comparison: >1MB, <10KB (KB = 1024 bytes)
//	since     a relative duration back from now (1h, 2d) or a time
//	until     (2026-11-24T10:00, 2026-11-24, RFC 3339)
//	mcp       an MCP method (tools/call) or primitive name (a tool, prompt
//	          or resource), globbed
//	examined  the detectors that examined a request: tier1, crs, pending
//	          (crs_pending: the Core Rule Set has yet to check it) or off;
//	          a session matches when one of its requests does
//	node      the capture node that recorded a request (spoor proxy --node),
//	          globbed; a session matches when one of its requests does
//	blocked   the rule that answered a request instead of the upstream (a
//	          rule id, globbed, or any); a session matches when one of its
//	          requests does
//
// A bare word is fuzzy text: it matches when, ignoring ASCII case, its
// characters appear in order within one of the session's key value, user,
// IPs, user agents or endpoints (for a request: its path, endpoint, client
// IP, user agent, and its session's key value and user), inside a window at
// most twice the word's length. So "lgn" finds /login and "sqlmap" finds
// sqlmap/1.7, while a short word does not match every long user agent that
// happens to contain its letters somewhere.
//
// On a session, a term about requests holds when the session summary says so
// (status, attack, flow) or, for method, host, path and endpoint, when one of
// its requests does; dur and size measure the whole session (its span, and
// the bytes of all its requests and responses), and since/until keep the
// sessions active in that window. On a request, terms about the actor (user,
// role, key, abuse) are judged through its session.
//
// A term whose data is not known never matches, negated or not: a session
// judged from its summary alone cannot say which paths it requested, and an
// exchange carries no attack tags of its own (attack: holds for a session
// whose summary counts the type). A filter therefore never matches
// everything because it could not look.
//
// Parsing is strict: an unknown field, a malformed value or a stray quote is
// an *Error at the byte offset of the mistake, with a suggestion where one is
// close. Given a Vocabulary (Options.Vocabulary), so is an attack or abuse
// type, a flow or a method that does not exist: the catalogue's types, the
// registered HTTP methods, and what the caller read from the store and the
// configuration. Values that can be anything (paths, users, addresses) are
// never checked against what exists. The package is pure: it reads no clock (relative times are measured
// from Options.Now, or the time given to At) and does no I/O.
package filter
