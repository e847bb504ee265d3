// Package endpoints is the TUI's API inventory: one row per endpoint the
// traffic called (method, path template, host), with its specification
// status, how much and by whom it was called, its error share, latency
// percentiles and distribution, attack tags and when it was last seen.
// Rows sort by any column, a fuzzy search narrows them by method and
// endpoint, and enter asks the root to list the sessions that called the
// selected endpoint (DrillMsg, with the filter Filter builds).
//
// It renders the inventory.Endpoint rows it is given and reads nothing
// itself: the root loads them through the EndpointSource it declares, in a
// tea.Cmd, and hands them over with SetEndpoints. It must not import the
// root package, the store or the workstation.
package endpoints
