// Package store persists spoor's exchanges and sessions in one bbolt file.
//
// It owns the file layout (layout.go), the per-store hashing secret and
// settings, and every write to the file:
//
//   - the exchange log, append-only under time-ordered big-endian ids, in a
//     compact binary form (codec.go), with bodies in their own bucket, read
//     only when one request is opened;
//   - generations (generation.go): everything that depends on the grouping
//     (sessions, each exchange's session, the per-session request lists, the
//     last-seen order and the secondary indexes of index.go) is kept in one
//     generation, so that a regroup (regroup.go) builds the next beside it
//     and switches in one transaction;
//   - group commits (write.go) from the ingest pipeline, the only writer of
//     exchanges; retention (retention.go) and regroups coordinate with it
//     through bbolt's write lock in small transactions;
//   - scans (scan.go): the log and the sessions walked in slices with a
//     cursor, decoding only the parts a caller asks for, for the passes
//     that must judge everything (the impact preview);
//   - the checks that the file is sound (bbolt's, and CheckIndexes in
//     verify.go) and the migration of older files (migrate.go).
//
// It maps engine types to bytes and back and runs the grouping it is given
// (a Grouper) over stored exchanges; it holds no grouping or detection logic
// of its own and never talks to the network or the terminal.
package store
