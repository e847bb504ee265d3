// Package traffic is the sessions screen's traffic strip: requests per time
// bucket across the sessions the list shows (a search or the MCP tab
// narrows them, and the strip with them), over the span the list covers, with
// the buckets that hold errors (4xx, 5xx, no response) and attacks marked
// by colour and by glyphs that read without colour.
//
// Its numbers come from the requests of the listed sessions, read
// incrementally inside tea.Cmds: a load reads only the exchanges a session
// gained since the last one, within a budget, and a session it has not read
// yet is spread evenly over its span from the counts its summary carries.
// At most one load is in flight. It never reads the source in Update or
// View, and it never touches the sessions list, which the root lays out
// above it.
package traffic
