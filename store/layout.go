package store

import (
	"encoding/binary"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// schemaVersion is bumped whenever the layout below changes in a way an
// older spoor would misread. Version 1 kept JSON exchanges and one set of
// session buckets at the top level; version 2 keeps binary exchanges and
// puts everything that depends on the grouping into a generation (see
// generation.go); version 3 stores assignments in blocks (assign.go). Open
// migrates a version-1 file. Versions from readableSchema on are read as
// they are: what came after only added encodings the reader tells apart
// from the old ones, so upgrading one only records the new version, which
// keeps an older spoor from reading what it would misread.
const (
	schemaVersion  = 3
	readableSchema = 2
)

// Top-level buckets. Exchanges are keyed by their id, allocated from the
// bucket's sequence in arrival order, so the log is time-ordered and
// append-only. Names are constants, converted where used, so no package
// state can change.
const (
	// bucketMeta is the settings bucket: magic, schema version, hashing
	// secret, current generation and the saved analysis configuration.
	bucketMeta = "meta"
	// bucketExchanges maps an exchange id to the exchange without its
	// bodies and without its session assignment (codec.go).
	bucketExchanges = "exchanges"
	// bucketBodies maps an exchange id to its captured bodies.
	bucketBodies = "bodies"
	// bucketCommits maps the last exchange id of each committed batch to the
	// commit time; retention reads it to find what was captured before the
	// cutoff without decoding a single exchange.
	bucketCommits = "commits"
	// bucketGenerations holds one nested bucket per grouping generation.
	bucketGenerations = "generations"
)

// Buckets inside a generation. Each generation is a complete grouping of the
// log: a regroup builds the next one beside the current one and switches in
// one transaction, so that readers never see half of each.
const (
	// genSessions maps a session's sequence number to its record
	// (codec.go). Numbers are given out as sessions appear, so the sessions
	// a batch updates, which are the recently active ones, sit together at
	// the end of the bucket; keyed by their ids, which are hashes, every
	// batch rewrote pages all over it.
	genSessions = "sessions"
	// genSessionIDs maps a session id to its sequence number, with
	// genRecentIDs holding the newest sessions' (sessionids.go).
	genSessionIDs = "session_ids"
	genRecentIDs  = "session_ids_recent"
	// genSessionExchanges holds session id, NUL, exchange id: a prefix scan
	// lists one session's exchanges in order.
	genSessionExchanges = "session_exchanges"
	// genLastSeen holds sortable last-seen time and session id, with the
	// session's sequence number as value, so the sessions list pages newest
	// first without decoding every session.
	genLastSeen = "sessions_by_last_seen"
	// genAssign maps an exchange id to its session id and key point: the
	// grouping's verdict, kept apart from the exchange so that a regroup
	// never rewrites the log.
	genAssign = "assign"
)

// Keys in the meta bucket.
const (
	metaSchema     = "schema"
	metaSecret     = "secret"
	metaMagic      = "magic"
	metaGeneration = "generation"
)

// magic identifies a spoor store among bbolt files.
const magic = "spoor store"

// topBuckets are created with a new store.
func topBuckets() []string {
	return []string{bucketMeta, bucketExchanges, bucketBodies, bucketCommits, bucketGenerations}
}

func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

// idOf decodes an exchange key; a key of another length reads as zero.
func idOf(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// Keys that list exchanges under a session or an index value start with the
// exchange's epoch: its id with the low epochBits dropped. A batch then
// inserts into the newest epoch's key range only, and a commit rewrites the
// pages of that range, not pages spread over the whole bucket; without the
// epoch every commit of a large store rewrote most of every index. Reads pay
// one seek per epoch, and sessions record the range of their ids, so a
// session's requests are read from the few epochs it spans.
const epochBits = 14

// epochLen is the length of the epoch prefix.
const epochLen = 4

func appendEpoch(b []byte, id uint64) []byte {
	return binary.BigEndian.AppendUint32(b, uint32(id>>epochBits))
}

// epochStart is the first id of the epoch that id falls in.
func epochStart(id uint64) uint64 { return id >> epochBits << epochBits }

// nextEpoch is the first id of the epoch after id's.
func nextEpoch(id uint64) uint64 { return epochStart(id) + 1<<epochBits }

// sessionExchangeKey is the epoch, the session id, a NUL, and the exchange
// id, so a prefix scan lists one session's exchanges of one epoch in order.
func sessionExchangeKey(sessionID string, id uint64) []byte {
	return appendSessionExchangeKey(make([]byte, 0, epochLen+len(sessionID)+9), sessionID, id)
}

func appendSessionExchangeKey(b []byte, sessionID string, id uint64) []byte {
	b = appendEpoch(b, id)
	b = append(b, sessionID...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint64(b, id)
}

// sessionEpochPrefix is the prefix of the session's keys in id's epoch.
func sessionEpochPrefix(sessionID string, id uint64) []byte {
	b := appendEpoch(make([]byte, 0, epochLen+len(sessionID)+1), id)
	b = append(b, sessionID...)
	return append(b, 0)
}

// lastSeenKey orders sessions by last activity, oldest first, ties broken by
// id; the sessions list reads it backwards.
func lastSeenKey(t time.Time, sessionID string) []byte {
	return appendLastSeenKey(make([]byte, 0, 8+len(sessionID)), t, sessionID)
}

func appendLastSeenKey(b []byte, t time.Time, sessionID string) []byte {
	b = binary.BigEndian.AppendUint64(b, sortableTime(t))
	return append(b, sessionID...)
}

// sortableTime maps t to an unsigned integer that sorts like t. Times outside
// what UnixNano can represent (before 1678, after 2262, the zero time) are
// clamped, so they still sort first or last.
func sortableTime(t time.Time) uint64 {
	var n int64
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		n = math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		n = math.MaxInt64
	default:
		n = t.UnixNano()
	}
	return uint64(n) ^ 1<<63
}

// appendOnly marks buckets whose keys only grow, so that bbolt fills their
// pages completely instead of leaving room for inserts that never come. The
// setting lives in the Bucket handle, so each transaction sets it again.
func appendOnly(bs ...*bolt.Bucket) {
	for _, b := range bs {
		if b != nil {
			b.FillPercent = 1.0
		}
	}
}
