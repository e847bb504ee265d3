package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// recentChunk is how many exchanges EachRecent reads in one read
// transaction: with bodies capped at 64 KiB a side, a chunk holds at most
// a few megabytes, and a writer never waits long behind it.
const recentChunk = 64

// EachRecent calls visit with up to limit of the newest exchanges, newest
// first, bodies included, without their session assignment. It reads them
// in short transactions of recentChunk exchanges and calls visit outside
// them, so visit may take its time; x is visit's until it returns.
func (s *Store) EachRecent(limit int, visit func(x *engine.Exchange)) error {
	var before uint64 // 0: from the newest
	for limit > 0 {
		var chunk []engine.Exchange
		err := s.db.View(func(tx *bolt.Tx) error {
			xs := tx.Bucket([]byte(bucketExchanges))
			bodies := tx.Bucket([]byte(bucketBodies))
			c := xs.Cursor()
			k, v := c.Last()
			if before != 0 {
				k, v = c.Seek(u64(before))
				if k == nil {
					k, v = c.Last()
				}
				if k != nil && idOf(k) >= before {
					k, v = c.Prev()
				}
			}
			for ; k != nil && len(chunk) < min(limit, recentChunk); k, v = c.Prev() {
				x, err := decodeExchange(idOf(k), v)
				if err != nil {
					return err
				}
				if b := bodies.Get(k); b != nil {
					if x.ReqBody.Data, x.RespBody.Data, err = decodeBodies(b); err != nil {
						return fmt.Errorf("exchange %d: %w", x.ID, err)
					}
				}
				chunk = append(chunk, x)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read recent exchanges: %w", err)
		}
		if len(chunk) == 0 {
			return nil
		}
		for i := range chunk {
			visit(&chunk[i])
		}
		limit -= len(chunk)
		before = chunk[len(chunk)-1].ID
	}
	return nil
}
