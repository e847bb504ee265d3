// Command spoor is a terminal workstation for investigating API traffic as
// user sessions. This package parses flags and wires the workstation, the
// store and the TUI together, and renders output; it holds no logic of its own.
package main
