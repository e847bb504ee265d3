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
// number, and the import goes on.
//
// The package owns parsing only: it does no grouping, hashing or storage,
// and it never opens files; the caller hands it a reader.
package importer
