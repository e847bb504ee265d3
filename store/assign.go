package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// A generation's assignments (genAssign) are stored in blocks: a block's
// key is the first of a run of consecutive exchange ids, its value the
// assignments of the run in order. A batch of ten thousand exchanges then
// puts a few hundred keys instead of ten thousand; each bbolt put costs a
// cursor, a copy of its key and room in a node, and the assignments were a
// fifth of an import's puts.
//
// A block value is a zero byte, the number of entries (1 to assignBlock),
// then each entry: the session id (uvarint length, bytes), and the key
// point as a uvarint 0 when it is the previous entry's, else its length
// plus one and its bytes. An entry with an empty session id is a hole: its
// exchange was deleted (retention) and the rest of the block stands.
//
// Before blocks, each exchange had a key of its own, with appendAssignment's
// encoding: a non-empty session id first, so its first byte is not zero.
// Such values read as blocks of one, so old files read unchanged.

// assignBlock bounds a block's entries, so that a block stays well within
// a page and a read of one exchange decodes at most that many.
const assignBlock = 32

// assignMarker starts a block value.
const assignMarker = 0

// isAssignBlock tells a block from a value of one assignment, whose
// session id, never empty, makes its first byte non-zero.
func isAssignBlock(v []byte) bool { return len(v) > 0 && v[0] == assignMarker }

// blockBuilder gathers consecutive assignments into blocks.
type blockBuilder struct {
	first, next uint64 // the run's first id, and the id after its last
	n           int
	body        []byte // the encoded entries
	keyPoint    string // the previous entry's key point
}

// add appends id's assignment. It reports false, adding nothing, when id
// does not continue the run or the block is full: the caller finishes the
// block and starts the next with id.
func (b *blockBuilder) add(id uint64, a assignment) bool {
	if b.n > 0 && (id != b.next || b.n == assignBlock) {
		return false
	}
	if b.n == 0 {
		b.first, b.body = id, b.body[:0]
	}
	b.body = appendString(b.body, a.sessionID)
	if b.n > 0 && a.keyPoint == b.keyPoint {
		b.body = append(b.body, 0)
	} else {
		b.body = binary.AppendUvarint(b.body, uint64(len(a.keyPoint))+1)
		b.body = append(b.body, a.keyPoint...)
	}
	b.keyPoint, b.next = a.keyPoint, id+1
	b.n++
	return true
}

// finish appends the block's value to dst and empties the builder; it
// returns dst unchanged when the builder is empty.
func (b *blockBuilder) finish(dst []byte) (first uint64, value []byte, ok bool) {
	if b.n == 0 {
		return 0, dst, false
	}
	dst = append(dst, assignMarker)
	dst = binary.AppendUvarint(dst, uint64(b.n))
	dst = append(dst, b.body...)
	first, b.n, b.keyPoint = b.first, 0, ""
	return first, dst, true
}

// decodeAssignBlock decodes the value stored under first: a block, or a
// single assignment as stored before blocks. Holes decode as empty
// assignments.
func decodeAssignBlock(v []byte) ([]assignment, error) {
	if !isAssignBlock(v) {
		a, err := decodeAssignment(v)
		if err != nil {
			return nil, err
		}
		return []assignment{a}, nil
	}
	r := reader{s: string(v[1:])}
	n := r.uvarint()
	if r.err != nil || n == 0 || n > assignBlock {
		return nil, fmt.Errorf("assignment block of %d: %w", n, ErrCorrupt)
	}
	out := make([]assignment, n)
	for i := range out {
		out[i].sessionID = r.str()
		switch kp := r.uvarint(); {
		case r.err != nil:
		case kp == 0 && i > 0:
			out[i].keyPoint = out[i-1].keyPoint
		case kp == 0:
			r.err = ErrCorrupt
		default:
			if kp-1 > uint64(len(r.s)-r.i) {
				r.err = ErrCorrupt
				break
			}
			out[i].keyPoint = r.s[r.i : r.i+int(kp-1)]
			r.i += int(kp - 1)
		}
		if r.err != nil {
			return nil, fmt.Errorf("assignment block: %w", ErrCorrupt)
		}
	}
	if !r.atEnd() {
		return nil, fmt.Errorf("assignment block: trailing bytes: %w", ErrCorrupt)
	}
	return out, nil
}

// appendAssignBlock encodes a whole block, holes included: the inverse of
// decodeAssignBlock, for rewriting a block with a hole punched in it.
func appendAssignBlock(dst []byte, as []assignment) []byte {
	var b blockBuilder
	for i, a := range as {
		b.add(uint64(i), a)
	}
	_, dst, _ = b.finish(dst)
	return dst
}

// assignReader reads one generation's assignments, keeping the block it
// decoded last: reads in id order decode each block once.
type assignReader struct {
	bucket *bolt.Bucket
	first  uint64
	block  []assignment
}

func newAssignReader(b *bolt.Bucket) *assignReader { return &assignReader{bucket: b} }

// get returns exchange id's assignment, or false when it has none.
func (r *assignReader) get(id uint64) (assignment, bool, error) {
	if id < r.first || id-r.first >= uint64(len(r.block)) {
		if err := r.load(id); err != nil {
			return assignment{}, false, err
		}
	}
	if id < r.first || id-r.first >= uint64(len(r.block)) {
		return assignment{}, false, nil
	}
	a := r.block[id-r.first]
	return a, a.sessionID != "", nil
}

// load decodes the block that would hold id: the one keyed by id, else the
// last one keyed before it.
func (r *assignReader) load(id uint64) error {
	r.first, r.block = 0, nil
	c := r.bucket.Cursor()
	k, v := c.Seek(u64(id))
	switch {
	case k == nil:
		k, v = c.Last()
	case idOf(k) != id:
		k, v = c.Prev()
	}
	if k == nil || len(k) != 8 {
		return nil
	}
	block, err := decodeAssignBlock(v)
	if err != nil {
		return fmt.Errorf("exchange %d: %w", id, err)
	}
	r.first, r.block = idOf(k), block
	return nil
}

// forEachAssignment calls fn with every assignment of b in id order,
// skipping holes.
func forEachAssignment(b *bolt.Bucket, fn func(id uint64, a assignment) error) error {
	return b.ForEach(func(k, v []byte) error {
		block, err := decodeAssignBlock(v)
		if err != nil {
			return fmt.Errorf("exchange %d: %w", idOf(k), err)
		}
		for i, a := range block {
			if a.sessionID == "" {
				continue
			}
			if err := fn(idOf(k)+uint64(i), a); err != nil {
				return err
			}
		}
		return nil
	})
}

// unassignIDs punches holes for ids, which must be in increasing order,
// rewriting each block they fall in once and deleting a block left empty.
// Values are taken from w's arena.
func (w *genWriter) unassignIDs(ids []uint64) error {
	r := newAssignReader(w.g.assign)
	for i := 0; i < len(ids); {
		if _, ok, err := r.get(ids[i]); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("exchange %d has no assignment: %w", ids[i], ErrCorrupt)
		}
		block := append([]assignment(nil), r.block...)
		first := r.first
		for ; i < len(ids) && ids[i] >= first && ids[i]-first < uint64(len(block)); i++ {
			block[ids[i]-first] = assignment{}
		}
		key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), first))
		var err error
		if empty(block) {
			err = w.g.assign.Delete(key)
		} else {
			err = w.g.assign.Put(key, w.bytes(appendAssignBlock(w.spare(), block)))
		}
		if err != nil {
			return err
		}
		r.first, r.block = 0, nil // the block changed under the reader
	}
	w.g.assigned = nil // and under the generation's
	return nil
}

// empty reports whether a block holds holes only.
func empty(block []assignment) bool {
	for _, a := range block {
		if a.sessionID != "" {
			return false
		}
	}
	return true
}
