// Package sequence shows one session's requests in the order they were
// sent: when each came relative to the session's start, what was asked and
// what the API answered. An MCP or GraphQL request shows what it does in
// place of its path: "tools/call search_orders", "query GetOrders {orders}".
// Paths and queries read decoded ("page=1' OR '1'='1") or, on a key, raw
// as sent; either way sanitized, so no byte a client sent reaches the
// terminal as a control sequence.
//
// The header says what describes the session as a whole: who, how much,
// session-wide tags such as scanner (said once there, not on every row),
// and abuse verdicts as sentences. The rows can be narrowed by the stats
// picker and by a filter in the list's language, typed in tui/filterbar
// and judged with engine/filter as the query layer judges a session's
// requests.
//
// Like every component it renders what it is given (Open, SetSession,
// SetExchanges) and never reads the store; the root model loads requests
// and asks to go back when it receives a BackMsg.
package sequence
