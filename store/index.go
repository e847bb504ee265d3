package store

import (
	"bytes"
	"encoding/binary"
	"maps"
	"slices"
	"strconv"

	"github.com/spoorhq/spoor/engine"
)

// The secondary indexes serve the filters that must answer without decoding
// every session or exchange. They are tables: adding a filter field is one
// row here, and every writer (Write, retention, regroup, the checker) derives
// its keys from the same row.
//
// A request-level index holds, for each value, the session and exchange ids
// that carry it: epoch (see epochBits), length-prefixed value, session id,
// NUL, exchange id. A scan of one value in each epoch lists matching
// sessions (skipping from one session to the next with a seek) and matching
// requests. A session-level index holds length-prefixed value and session
// id, for what only a session knows.
//
// Values longer than maxIndexValue bytes are indexed by their prefix: the
// index then narrows the candidates and the filter decides, as it must for
// patterns anyway.
//
// A new row needs its bucket in existing stores: bump schemaVersion and
// have migrate create the bucket in the current generation and fill it from
// the log (openGeneration refuses a generation that lacks one), or
// regroup, which builds every bucket of the table.

// maxIndexValue bounds the value part of an index key; bbolt keys should
// stay small, and no filter needs the tail of a 4 KiB path to narrow.
const maxIndexValue = 256

// exchangeIndex is a request-level index.
type exchangeIndex struct {
	// field is the filter field the index serves.
	field string
	// values appends x's values of the field.
	values func(dst []string, x *engine.Exchange) []string
}

// sessionIndex is a session-level index.
type sessionIndex struct {
	field string
	// bucket is sessionIndexBucket(field), spelled once.
	bucket string
	values func(dst []string, s *engine.Session) []string
}

// exchangeIndexes lists the request-level indexes. The attack type is
// indexed at both levels: per request from the exchange's tags, for the
// requests filter, and per session from its counts (sessionIndexes).
func exchangeIndexes() []exchangeIndex {
	return []exchangeIndex{
		{"ip", func(dst []string, x *engine.Exchange) []string { return append(dst, x.ClientIP) }},
		{"status", func(dst []string, x *engine.Exchange) []string {
			if c := engine.StatusClass(x.Status); c > 0 {
				return append(dst, statusClassName(c))
			}
			return dst
		}},
		{"endpoint", func(dst []string, x *engine.Exchange) []string { return append(dst, x.Template()) }},
		{"flow", func(dst []string, x *engine.Exchange) []string { return append(dst, x.Flows...) }},
		{"attack", func(dst []string, x *engine.Exchange) []string {
			for _, a := range x.Attacks {
				if !a.Muted() {
					dst = append(dst, a.Type)
				}
			}
			return dst
		}},
	}
}

// sessionIndexes lists the session-level indexes. Attacks are indexed from
// the session's counts, which the detection stage fills, and abuse from its
// verdicts, which change as a session grows: each write replaces the
// session's entries (genWriter.putSession).
func sessionIndexes() []sessionIndex {
	idx := []sessionIndex{
		{field: "user", values: func(dst []string, s *engine.Session) []string { return append(dst, s.User) }},
		{field: "role", values: func(dst []string, s *engine.Session) []string { return append(dst, s.Role) }},
		{field: "attack", values: func(dst []string, s *engine.Session) []string {
			return append(dst, slices.Sorted(maps.Keys(s.Attacks))...)
		}},
		{field: "abuse", values: func(dst []string, s *engine.Session) []string {
			for _, v := range s.Abuse {
				dst = append(dst, v.Type)
			}
			return dst
		}},
	}
	for i := range idx {
		idx[i].bucket = sessionIndexBucket(idx[i].field)
	}
	return idx
}

// statusClassName spells a status class as the filter language does: 4xx.
func statusClassName(class int) string { return strconv.Itoa(class) + "xx" }

func exchangeIndexBucket(field string) string { return "x:" + field }
func sessionIndexBucket(field string) string  { return "s:" + field }

// appendIndexValue appends the length-prefixed value, so that no value is a
// prefix of another's key and any byte may appear in a value.
func appendIndexValue(b []byte, v string) []byte {
	if len(v) > maxIndexValue {
		v = v[:maxIndexValue]
	}
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendExchangeIndexKey(b []byte, value, sessionID string, id uint64) []byte {
	b = appendEpoch(b, id)
	b = appendIndexValue(b, value)
	b = append(b, sessionID...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint64(b, id)
}

func appendSessionIndexKey(b []byte, value, sessionID string) []byte {
	b = appendIndexValue(b, value)
	return append(b, sessionID...)
}

// splitExchangeIndexKey returns the session id and exchange id of a
// request-level key whose epoch and value take its first n bytes.
func splitExchangeIndexKey(k []byte, n int) (sessionID []byte, id uint64, ok bool) {
	rest := k[n:]
	if len(rest) < 9 || rest[len(rest)-9] != 0 {
		return nil, 0, false
	}
	return rest[:len(rest)-9], binary.BigEndian.Uint64(rest[len(rest)-8:]), true
}

// indexer derives index keys. It keeps its scratch slices between calls, so
// one writer reuses them for a whole batch; it is not safe for concurrent
// use.
type indexer struct {
	xidx []exchangeIndex
	sidx []sessionIndex
	vals []string
	// mergeRecentAt overrides the size at which new session ids are
	// merged (sessionids.go); zero means the default. Tests lower it.
	mergeRecentAt int
}

// exchangeKeys calls fn with each index (by position in xidx) and key of
// exchange id of session sessionID. Keys are appended to arena, which is
// returned: bbolt keeps the key slices until the transaction ends, so a key
// is never overwritten once handed out.
func (ix *indexer) exchangeKeys(arena []byte, x *engine.Exchange, sessionID string, id uint64, fn func(i int, key []byte) error) ([]byte, error) {
	for i, idx := range ix.xidx {
		ix.vals = uniqueValues(idx.values(ix.vals[:0], x))
		for _, v := range ix.vals {
			start := len(arena)
			arena = appendExchangeIndexKey(arena, v, sessionID, id)
			if err := fn(i, arena[start:len(arena):len(arena)]); err != nil {
				return arena, err
			}
		}
	}
	return arena, nil
}

// sessionEntries lists the index entries a session owns: its place in the
// last-seen order and its session-level values.
func (ix *indexer) sessionEntries(s *engine.Session) []indexEntry {
	entries, _ := ix.appendSessionEntries(nil, nil, s)
	return entries
}

// appendSessionEntries appends s's entries to dst, with their keys appended
// to arena; it returns both. Handing out keys from the arena is safe for the
// reason exchangeKeys gives.
func (ix *indexer) appendSessionEntries(dst []indexEntry, arena []byte, s *engine.Session) ([]indexEntry, []byte) {
	start := len(arena)
	arena = appendLastSeenKey(arena, s.LastSeen, s.ID)
	dst = append(dst, indexEntry{bucket: genLastSeen, key: arena[start:len(arena):len(arena)]})
	for _, idx := range ix.sidx {
		ix.vals = uniqueValues(idx.values(ix.vals[:0], s))
		for _, v := range ix.vals {
			start := len(arena)
			arena = appendSessionIndexKey(arena, v, s.ID)
			dst = append(dst, indexEntry{bucket: idx.bucket, key: arena[start:len(arena):len(arena)]})
		}
	}
	return dst, arena
}

// uniqueValues drops empty and repeated values in place; a value set is
// small (one IP, a few flows), so a quadratic scan beats a map.
func uniqueValues(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// containsEntry reports whether e is in list.
func containsEntry(list []indexEntry, e indexEntry) bool {
	for _, o := range list {
		if o.bucket == e.bucket && bytes.Equal(o.key, e.key) {
			return true
		}
	}
	return false
}

// IndexedFields lists the filter fields with an index: request-level ones
// narrow both requests and sessions, session-level ones sessions only.
func IndexedFields() (requestLevel, sessionLevel []string) {
	for _, idx := range exchangeIndexes() {
		requestLevel = append(requestLevel, idx.field)
	}
	for _, idx := range sessionIndexes() {
		sessionLevel = append(sessionLevel, idx.field)
	}
	return requestLevel, sessionLevel
}
