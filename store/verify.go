package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// maxProblems bounds the problems CheckIndexes reports: the first few say
// what is wrong; a thousand more of the same kind would not.
const maxProblems = 10

// CheckIndexes verifies that the current generation and the commit log
// agree with the exchange log: every exchange has an assignment, its place
// in its session's list and exactly the request-level index keys its fields
// imply; every session has at least one exchange, its record lists the
// entries it owns and those entries, and nothing else, are in the last-seen
// and session-level indexes; exchange ids are contiguous and covered by the
// commit log. It reads the whole store in one transaction and holds every
// expected key in memory, so it is a tool for tests and repairs, not for a
// store being captured into.
func (s *Store) CheckIndexes() error {
	var problems []error
	report := func(format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Errorf(format, args...))
		}
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		ix := s.indexer()
		g, err := ix.current(tx)
		if err != nil {
			return err
		}
		// expected holds, per bucket, the keys the log implies.
		expected := map[*bolt.Bucket]map[string]bool{}
		expect := func(b *bolt.Bucket, key []byte) {
			if expected[b] == nil {
				expected[b] = map[string]bool{}
			}
			expected[b][string(key)] = true
		}
		names := map[*bolt.Bucket]string{g.sessionExchanges: genSessionExchanges, g.lastSeen: genLastSeen}
		for i, idx := range ix.xidx {
			names[g.xidx[i]] = exchangeIndexBucket(idx.field)
		}
		for i, idx := range ix.sidx {
			names[g.sidx[i]] = sessionIndexBucket(idx.field)
		}
		for b := range names {
			expected[b] = map[string]bool{}
		}

		// The log, with each exchange's assignment and request-level keys.
		xs := tx.Bucket([]byte(bucketExchanges))
		assigned := newAssignReader(g.assign)
		// members tracks, per session, its exchanges' count and range.
		type span struct{ n, first, last uint64 }
		members := map[string]*span{}
		var first, prev uint64
		n := 0
		err = xs.ForEach(func(k, v []byte) error {
			id := idOf(k)
			if n == 0 {
				first = id
			} else if id != prev+1 {
				report("exchange ids jump from %d to %d", prev, id)
			}
			prev = id
			n++
			x, err := decodeExchange(id, v)
			if err != nil {
				report("%v", err)
				return nil
			}
			a, ok, err := assigned.get(id)
			if err != nil {
				report("%v", err)
				return nil
			}
			if !ok {
				report("exchange %d has no assignment", id)
				return nil
			}
			m := members[a.sessionID]
			if m == nil {
				m = &span{first: id}
				members[a.sessionID] = m
			}
			m.n++
			m.last = id
			expect(g.sessionExchanges, sessionExchangeKey(a.sessionID, id))
			_, err = ix.exchangeKeys(nil, &x, a.sessionID, id, func(i int, key []byte) error {
				expect(g.xidx[i], key)
				return nil
			})
			return err
		})
		if err != nil {
			return err
		}
		got := 0
		err = forEachAssignment(g.assign, func(uint64, assignment) error {
			got++
			return nil
		})
		if err != nil {
			report("%v", err)
		} else if got != n {
			report("%d assignments for %d exchanges", got, n)
		}
		err = tx.Bucket([]byte(bucketBodies)).ForEach(func(k, _ []byte) error {
			if xs.Get(k) == nil {
				report("body %d without an exchange", idOf(k))
			}
			return nil
		})
		if err != nil {
			return err
		}

		// Sessions, with the entries their records list.
		sessions := 0
		err = g.sessions.ForEach(func(k, v []byte) error {
			sessions++
			sess, err := decodeSession(v)
			if err != nil {
				report("session %s: %v", k, err)
				return nil
			}
			if g.recentIDs != nil && g.recentIDs.Get([]byte(sess.ID)) != nil && g.sessionIDs.Get([]byte(sess.ID)) != nil {
				report("session %s is in both id buckets", sess.ID)
			}
			if seq := g.sessionSeq([]byte(sess.ID)); !bytes.Equal(seq, k) {
				report("session %s is record %d, but its id maps to %x", sess.ID, idOf(k), seq)
			}
			h, _, _ := readSessionHeader(v)
			switch m := members[sess.ID]; {
			case m == nil:
				report("session %s has no exchange", sess.ID)
			case h.count != m.n:
				report("session %s counts %d exchanges, the log holds %d", sess.ID, h.count, m.n)
			case h.first > m.first || h.last < m.last:
				report("session %s spans ids %d–%d, its exchanges %d–%d", sess.ID, h.first, h.last, m.first, m.last)
			}
			listed := h.entries
			want := ix.sessionEntries(&sess)
			if len(listed) != len(want) {
				report("session %s lists %d index entries, its fields imply %d", sess.ID, len(listed), len(want))
			}
			for _, e := range want {
				if !containsEntry(listed, e) {
					report("session %s does not list its %s entry %q", sess.ID, e.bucket, e.key)
				}
				if b := g.bucket(ix, e.bucket); b != nil {
					expect(b, e.key)
					if got := b.Get(e.key); got != nil && !bytes.Equal(got, k) {
						report("session %s's %s entry points at record %x, not %d", sess.ID, e.bucket, got, idOf(k))
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id := range members {
			if _, v := g.session([]byte(id)); v == nil {
				report("exchanges are assigned to session %s, which does not exist", id)
			}
		}
		if ids := g.sessionCount(); ids != sessions {
			report("%d session ids for %d session records", ids, sessions)
		}

		// Every index bucket holds exactly the expected keys; a posting
		// list holds the posting keys of its ids (postings.go).
		postingBuckets := map[*bolt.Bucket]bool{g.sessionExchanges: true}
		for _, b := range g.xidx {
			postingBuckets[b] = true
		}
		for b, want := range expected {
			got := 0
			var ids []uint64
			err := b.ForEach(func(k, v []byte) error {
				if !postingBuckets[b] {
					got++
					if !want[string(k)] {
						report("stray key %q in %s", k, names[b])
					}
					return nil
				}
				var err error
				if ids, err = appendPostingIDs(ids[:0], k, v); err != nil {
					report("%s: %v", names[b], err)
					return nil
				}
				prefix := postingPrefix(k)
				for i, id := range ids {
					got++
					pk := binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), id)
					if !want[string(pk)] {
						report("stray id %d under %q in %s", id, prefix, names[b])
					}
					if i > 0 && epochStart(id) != epochStart(ids[0]) {
						report("posting list %q in %s crosses an epoch at id %d", k, names[b], id)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if got != len(want) {
				report("%s holds %d keys, the log implies %d", names[b], got, len(want))
			}
		}

		// The commit log covers the exchanges.
		if n > 0 {
			c := tx.Bucket([]byte(bucketCommits)).Cursor()
			k, _ := c.Last()
			if idOf(k) != prev {
				report("last commit entry ends at %d, the log at %d", idOf(k), prev)
			}
			if k, _ := c.First(); idOf(k) < first {
				report("commit entry %d outlived its exchanges (first is %d)", idOf(k), first)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check indexes of %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check indexes of %s: %w: %w", s.path, ErrInconsistent, errors.Join(problems...))
	}
	return nil
}
