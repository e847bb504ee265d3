package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The buckets that list exchange ids (a session's requests, and the
// request-level indexes) store them as posting lists. A list's key is the
// prefix the ids share (epoch, value, session id, NUL) and the first id, big
// endian; its value is the other ids as uvarint gaps, in order. An empty
// value is a list of one, which is how every list was stored before lists:
// old files read unchanged.
//
// A batch puts one list per prefix (per session, per value and session),
// instead of a key per exchange: a capture with a few hundred actors puts a
// few hundred keys per batch, not ten thousand per index. Lists never
// change once put, except when retention drops ids from them
// (dropPostings): a batch's ids are all newer than any stored, so its lists
// have keys of their own.
//
// An id's "posting key" is the prefix and that id: the key it would have
// as a list of one. The writer derives posting keys per exchange
// (index.go) and groups them into lists when it encodes a batch.

// maxPosting bounds a list's ids, so that a value stays within a page or
// two however many requests one session makes in a batch.
const maxPosting = 1024

// postingPrefix is the part of a posting key before its id.
func postingPrefix(k []byte) []byte { return k[:len(k)-8] }

// postingFirst is a list key's first id.
func postingFirst(k []byte) uint64 { return binary.BigEndian.Uint64(k[len(k)-8:]) }

// appendPostingIDs appends the ids of the list at k, v.
func appendPostingIDs(dst []uint64, k, v []byte) ([]uint64, error) {
	if len(k) < 8 {
		return dst, fmt.Errorf("posting key %x: %w", k, ErrCorrupt)
	}
	id := postingFirst(k)
	dst = append(dst, id)
	for len(v) > 0 {
		gap, n := binary.Uvarint(v)
		if n <= 0 || gap == 0 || id+gap < id {
			return dst, fmt.Errorf("posting list %x: %w", k, ErrCorrupt)
		}
		id += gap
		dst = append(dst, id)
		v = v[n:]
	}
	return dst, nil
}

// appendGaps appends the uvarint gaps between consecutive ids, the value of
// a list whose key holds ids[0].
func appendGaps(b []byte, ids []uint64) []byte {
	for i := 1; i < len(ids); i++ {
		b = binary.AppendUvarint(b, ids[i]-ids[i-1])
	}
	return b
}

// appendPostings turns sorted posting keys into lists, appended to out:
// each run of keys with one prefix (up to maxPosting) becomes the run's
// first key, with the gaps to the others as its value, taken from w's
// arena.
func (w *genWriter) appendPostings(out []keyValue, keys [][]byte) []keyValue {
	for i := 0; i < len(keys); {
		prefix := postingPrefix(keys[i])
		j := i + 1
		for j < len(keys) && j-i < maxPosting && len(keys[j]) == len(keys[i]) && bytes.Equal(postingPrefix(keys[j]), prefix) {
			j++
		}
		var value []byte
		if j > i+1 {
			b := w.spare()
			prev := postingFirst(keys[i])
			for _, k := range keys[i+1 : j] {
				id := postingFirst(k)
				b = binary.AppendUvarint(b, id-prev)
				prev = id
			}
			value = w.bytes(b)
		}
		out = append(out, keyValue{keys[i], value})
		i = j
	}
	return out
}

// seekPosting positions c at the first list with prefix that may hold ids
// from id on: the list holding id, if one starts before it, else the first
// list starting at or after it. It returns that list, or a nil key.
func seekPosting(c *bolt.Cursor, prefix []byte, id uint64) ([]byte, []byte) {
	start := binary.BigEndian.AppendUint64(append(make([]byte, 0, len(prefix)+8), prefix...), id)
	k, v := c.Seek(start)
	if k != nil && bytes.Equal(k, start) {
		return k, v
	}
	if pk, pv := c.Prev(); pk != nil && len(pk) == len(start) && bytes.HasPrefix(pk, prefix) {
		return pk, pv
	}
	k, v = c.Seek(start)
	if k == nil || len(k) != len(start) || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// dropPostings removes the ids of the given posting keys from the lists of
// b that hold them, rewriting each list once: retention drops the oldest
// exchanges a chunk at a time, and a list may hold a thousand of them. A
// posting key no list holds is ignored, as a Delete of a missing key is.
func (w *genWriter) dropPostings(b *bolt.Bucket, keys [][]byte) error {
	slices.SortFunc(keys, bytes.Compare)
	keys = slices.CompactFunc(keys, bytes.Equal)
	type list struct {
		key []byte
		ids []uint64
	}
	for i := 0; i < len(keys); {
		prefix := postingPrefix(keys[i])
		drop := map[uint64]bool{}
		var last uint64
		j := i
		for ; j < len(keys) && len(keys[j]) == len(keys[i]) && bytes.Equal(postingPrefix(keys[j]), prefix); j++ {
			last = postingFirst(keys[j])
			drop[last] = true
		}
		// Read every list that may hold one of the ids before changing
		// any: a cursor does not survive writes to its bucket.
		var lists []list
		c := b.Cursor()
		for k, v := seekPosting(c, prefix, postingFirst(keys[i])); k != nil && len(k) == len(keys[i]) && bytes.HasPrefix(k, prefix) && postingFirst(k) <= last; k, v = c.Next() {
			ids, err := appendPostingIDs(nil, k, v)
			if err != nil {
				return err
			}
			lists = append(lists, list{key: bytes.Clone(k), ids: ids})
		}
		for _, l := range lists {
			kept := slices.DeleteFunc(slices.Clone(l.ids), func(id uint64) bool { return drop[id] })
			if len(kept) == len(l.ids) {
				continue
			}
			if err := b.Delete(l.key); err != nil {
				return err
			}
			if len(kept) == 0 {
				continue
			}
			key := w.bytes(binary.BigEndian.AppendUint64(append(w.spare(), prefix...), kept[0]))
			if err := b.Put(key, w.bytes(appendGaps(w.spare(), kept))); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}
