// Package sessions is the live list of captured sessions: one row per
// session, newest activity first or sorted on any column (s, S reverses).
// On the first row the list follows: new sessions come in under the
// cursor. Anywhere else a reload keeps the cursor on its session and on
// its screen row. Space pauses: the root holds live reloads until it is
// pressed again (Paused, ResumeMsg); G asks the root for the real last
// session (EndMsg). Its MCP tab (SetMCP) shows only the
// sessions that spoke the Model Context Protocol, with what each agent
// called: methods, primitives and MCP errors.
//
// A frame redraws only the rows whose session, search match or cursor
// changed since the last one; the others come from a cache of rendered
// rows that reloads, resizes and theme changes invalidate.
//
// It renders what it is given (SetSessions) and asks for nothing: it never
// reads the store, and it opens a session by returning an OpenMsg for the
// root model to act on.
package sessions
