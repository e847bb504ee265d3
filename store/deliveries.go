package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of recent deliveries: the ids collected exchanges were published
// under (engine.Exchange.Delivery), so that a copy JetStream delivers again
// (its ack was lost, or the workstation died between the commit and the
// ack) is recognised and acknowledged without being stored twice. An id is
// filed in the transaction that stores its exchange, so an exchange and
// the record that it arrived are committed together or not at all.
//
// bucketDeliveries maps the id's digest (deliveryKey) to its commit time;
// bucketDeliveriesByTime holds commit time and digest, so that
// ForgetDeliveries drops the oldest first. Both are created by the first
// collected exchange, so older files need no migration.
const (
	bucketDeliveries       = "deliveries"
	bucketDeliveriesByTime = "deliveries_by_time"
)

// DefaultDeliveryWindow is how long a delivered id is remembered, counted
// back from the newest one filed, not from the clock: a message can only
// come back while its consumer runs (it is redelivered AckWait after it was
// handed out unacknowledged), so a workstation stopped for a day still
// recognises, when it starts again, what it stored just before it stopped.
// Ten minutes is twenty times relay's AckWait.
const DefaultDeliveryWindow = 10 * time.Minute

// DefaultMaxDeliveries bounds the ids remembered whatever the window:
// about 50 MiB of file at 40 bytes an entry in each bucket. The oldest go
// first.
const DefaultMaxDeliveries = 1 << 20

// deliveryKey is a fixed-size digest of a delivery id: ids name a node and
// can be long, and a 16-byte SHA-256 prefix keeps collisions out of reach
// (2^-64 at a billion ids) at a fraction of the bytes.
func deliveryKey(b []byte, id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return append(b, sum[:16]...)
}

// putDeliveries files the batch's delivery keys at now.
func putDeliveries(tx *bolt.Tx, keys [][]byte, now time.Time) error {
	set, err := tx.CreateBucketIfNotExists([]byte(bucketDeliveries))
	if err != nil {
		return err
	}
	byTime, err := tx.CreateBucketIfNotExists([]byte(bucketDeliveriesByTime))
	if err != nil {
		return err
	}
	byTime.FillPercent = 1 // appended in time order
	stamp := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	for _, k := range keys {
		if err := set.Put(k, stamp); err != nil {
			return err
		}
		if err := byTime.Put(append(stamp[:8:8], k...), nil); err != nil {
			return err
		}
	}
	return nil
}

// Delivered reports, for each delivery id, whether an exchange published
// under it is stored.
func (s *Store) Delivered(ids []string) ([]bool, error) {
	out := make([]bool, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		set := tx.Bucket([]byte(bucketDeliveries))
		if set == nil {
			return nil
		}
		var k []byte
		for i, id := range ids {
			k = deliveryKey(k[:0], id)
			out[i] = set.Get(k) != nil
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read deliveries in %s: %w", s.path, err)
	}
	return out, nil
}

// deliveryChunk is how many ids one transaction of ForgetDeliveries
// deletes, so that pruning never holds the writer long.
const deliveryChunk = 2000

// ForgetDeliveries drops the ids filed more than window before the newest
// one, and the oldest beyond limit, in small transactions; it returns how
// many it dropped. Zero window or limit takes the default.
func (s *Store) ForgetDeliveries(window time.Duration, limit int) (int, error) {
	if window <= 0 {
		window = DefaultDeliveryWindow
	}
	if limit <= 0 {
		limit = DefaultMaxDeliveries
	}
	dropped := 0
	for {
		n, err := s.forgetDeliveryChunk(window, limit)
		dropped += n
		if err != nil || n < deliveryChunk {
			return dropped, err
		}
	}
}

func (s *Store) forgetDeliveryChunk(window time.Duration, limit int) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		set, byTime := tx.Bucket([]byte(bucketDeliveries)), tx.Bucket([]byte(bucketDeliveriesByTime))
		if set == nil || byTime == nil {
			return nil
		}
		newest, _ := byTime.Cursor().Last()
		if len(newest) < 8 {
			return nil
		}
		cutoff := binary.BigEndian.AppendUint64(nil, binary.BigEndian.Uint64(newest)-uint64(window.Nanoseconds()))
		over := set.Stats().KeyN - limit
		c := byTime.Cursor()
		for k, _ := c.First(); k != nil && n < deliveryChunk; k, _ = c.First() {
			if over <= n && bytes.Compare(k[:8], cutoff) >= 0 {
				break
			}
			if err := set.Delete(k[8:]); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("forget deliveries in %s: %w", s.path, err)
	}
	return n, nil
}
