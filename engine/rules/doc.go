// Package rules is spoor's rule model and its judging: block, virtual
// patch and mute rules, each a filter of engine/filter narrowed by an
// attack type or rule id, checked for what can be judged on one request
// before it is forwarded, and read from or written to YAML.
//
// A Set is a compiled list of rules, immutable and safe for concurrent
// use, so the proxy can hold one behind an atomic pointer and the
// workstation swap it when a rule changes. Judging needs one request and
// what is known of its session so far (engine.Prejudge); nothing here
// reads a clock (callers pass now), the store or the network.
package rules
