// Package sequence shows one session's requests in the order they were
// sent: when each came relative to the session's start, what was asked and
// what the API answered. An MCP or GraphQL request shows what it does in
// place of its path: "tools/call search_orders", "query GetOrders {orders}".
//
// Like every component it renders what it is given (Open, SetSession,
// SetExchanges) and never reads the store; the root model loads requests
// and asks to go back when it receives a BackMsg.
package sequence
