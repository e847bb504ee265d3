// Package workstation owns spoor's life cycle: Open opens the store,
// builds the analysis and the attack detector, and starts the pipeline,
// the detection stage, the catch-up queue's worker, retention and
// (optionally) the capture proxy; Regroup, SetKeys and SetContext change a
// running capture's configuration between two commits; Close undoes what
// Open did, in reverse. OpenImport runs the same analysis and detection
// over recorded files.
//
// It also owns the configuration a command runs with (--config, else the
// store's, else a fallback) and the detection policies of a capture and an
// import.
//
// It must not touch the terminal, flags or the TUI: it imports neither
// cobra nor Bubble Tea nor package tui. What it reports (counters, import
// results, a regroup preview) is data that cmd/spoor renders, and the
// TUI's backends are thin adapters built in cmd over its methods.
package workstation
