// Command spoor is a terminal workstation for investigating API traffic as
// user sessions. This package parses flags and wires capture, the engine, the
// store and the TUI together; it holds no logic of its own.
package main
