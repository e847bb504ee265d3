// Package importer turns recorded traffic into engine.Exchange values, so
// that `spoor import` can run logs and captures through the same analysis as
// live traffic.
//
// It reads HAR 1.2 (browser and proxy exports, bodies in text or base64,
// with or without a UTF-8 byte order mark), Apache/nginx combined and common
// access logs, any nginx log_format, and JSON lines with a field mapping.
// Input may be gzip-compressed (recognised by its magic bytes), and the
// format is detected from the first bytes unless the caller names it.
//
// Everything streams: lines are read one at a time and a HAR file is walked
// token by token over log.entries, so memory does not grow with the input.
// Exchanges are emitted in time order through a small bounded window, which
// puts back the slightly shuffled lines a busy server writes; input is
// otherwise expected to be in time order, as logs and browser exports are.
// A line or entry that does not parse is counted and reported with its
// number, and the import goes on. Input that breaks off (a truncated gzip,
// a HAR cut short) ends the import with a BreakError, after every record
// before the break has been handed on.
//
// An import reports how far it read as a Position: records, bytes, and the
// SHA-256 of the content they span. MatchPrefix finds, among the positions
// of earlier imports, the one a new input starts with, and Options.Resume
// skips what it covers, so that a repaired or grown file adds only what is
// new.
//
// The package owns parsing only: it does no grouping, hashing or storage,
// and it never opens files; the caller hands it a reader.
package importer
