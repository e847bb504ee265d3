package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/ingest"
)

// Write commits a batch of analysed exchanges and the latest summary of each
// session they touched in one transaction. It assigns each exchange its id.
// It satisfies ingest.Writer.
func (s *Store) Write(batch []ingest.Record) error {
	if len(batch) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		xs := tx.Bucket([]byte(bucketExchanges))
		bodies := tx.Bucket([]byte(bucketBodies))
		index := tx.Bucket([]byte(bucketSessionExchanges))
		sessions := tx.Bucket([]byte(bucketSessions))
		// Appends only: fill pages completely instead of leaving room for
		// inserts that never come.
		xs.FillPercent, bodies.FillPercent = 1.0, 1.0
		latest := make(map[string]int, len(batch))
		for i, r := range batch {
			x := r.Exchange
			id, err := xs.NextSequence()
			if err != nil {
				return err
			}
			x.ID = id
			v, err := encodeExchange(x)
			if err != nil {
				return err
			}
			key := u64(id)
			if err := xs.Put(key, v); err != nil {
				return err
			}
			if len(x.ReqBody.Data) > 0 || len(x.RespBody.Data) > 0 {
				if err := bodies.Put(key, encodeBodies(x.ReqBody.Data, x.RespBody.Data)); err != nil {
					return err
				}
			}
			if err := index.Put(sessionExchangeKey(x.SessionID, id), nil); err != nil {
				return err
			}
			latest[r.Session.ID] = i
		}
		for id, i := range latest {
			v, err := encodeSession(&batch[i].Session)
			if err != nil {
				return err
			}
			if err := sessions.Put([]byte(id), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	return nil
}
