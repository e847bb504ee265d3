package store

import "encoding/binary"

// schemaVersion is bumped whenever the layout below changes incompatibly.
const schemaVersion = 1

// Bucket names. Exchanges are keyed by their id, allocated from the bucket's
// sequence in arrival order, so the log is time-ordered and append-only.
// Names are constants, converted where used, so no package state can change.
const (
	bucketMeta             = "meta"
	bucketExchanges        = "exchanges"
	bucketBodies           = "bodies"
	bucketSessions         = "sessions"
	bucketSessionExchanges = "session_exchanges"
)

// Keys in the meta bucket.
const (
	metaSchema = "schema"
	metaSecret = "secret"
	metaMagic  = "magic"
)

// magic identifies a spoor store among bbolt files.
const magic = "spoor store"

func allBuckets() []string {
	return []string{bucketMeta, bucketExchanges, bucketBodies, bucketSessions, bucketSessionExchanges}
}

func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

// sessionExchangeKey is the session id, a NUL, and the exchange id, so a
// prefix scan lists one session's exchanges in order.
func sessionExchangeKey(sessionID string, id uint64) []byte {
	k := make([]byte, 0, len(sessionID)+9)
	k = append(k, sessionID...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, id)
}

func sessionPrefix(sessionID string) []byte {
	return append([]byte(sessionID), 0)
}
