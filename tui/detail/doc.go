// Package detail shows one request in tabs: the request, the response,
// its attack tags (type, rule or detector, request point, matched
// fragment) and its context values; a request that carries MCP has an MCP
// tab with each JSON-RPC message's primitive, arguments, outcome and
// signals, above the response body that holds the result. Headers and bodies are shown as
// captured, with bodies decoded (gzip, deflate, br) and JSON pretty-printed
// in Prepare, which the root runs inside the tea.Cmd that loads the
// bodies, so that a large body never stalls a frame. Long bodies scroll in
// a viewport. Values the store keeps hashed are shown as their hashes.
//
// g and G go to the top and the bottom of the tab; y copies the request as export.Curl renders it, the command spoor export
// --format curl writes. It never reads the store.
package detail
