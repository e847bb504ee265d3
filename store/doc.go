// Package store persists spoor's exchanges and sessions in one bbolt file.
//
// It owns the file layout (buckets, key encodings, schema version), the
// per-store hashing secret, and the single writer that commits analysed
// exchanges in batches. It maps engine types to bytes and back; it holds no
// grouping or detection logic of its own and never talks to the network or
// the terminal.
package store
