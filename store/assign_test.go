package store

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// assignFixture is ids with their assignments, in the order a writer sees
// them: runs of consecutive ids, a gap, and key points that change.
func assignFixture() (ids []uint64, as []assignment) {
	for id := uint64(1); id <= 2*assignBlock+5; id++ {
		ids = append(ids, id)
		as = append(as, assignment{sessionID: fmt.Sprintf("s%d", id%7), keyPoint: []string{"req.ip+req.ua", "req.ip"}[id/10%2]})
	}
	for id := uint64(1000); id < 1003; id++ {
		ids = append(ids, id)
		as = append(as, assignment{sessionID: "late", keyPoint: ""})
	}
	return ids, as
}

// withAssignBucket runs fn on a fresh bucket of a real bbolt file.
func withAssignBucket(t *testing.T, fn func(b *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "assign.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(genAssign))
		if err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// putBlocks stores ids' assignments as the writer does: a block per run.
func putBlocks(b *bolt.Bucket, ids []uint64, as []assignment) error {
	var run blockBuilder
	put := func() error {
		first, v, ok := run.finish(nil)
		if !ok {
			return nil
		}
		return b.Put(u64(first), v)
	}
	for i, id := range ids {
		if !run.add(id, as[i]) {
			if err := put(); err != nil {
				return err
			}
			run.add(id, as[i])
		}
	}
	return put()
}

// keyCount counts b's keys; Stats sees only committed pages.
func keyCount(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

func TestAssignBlocksReadBack(t *testing.T) {
	ids, as := assignFixture()
	withAssignBucket(t, func(b *bolt.Bucket) error {
		if err := putBlocks(b, ids, as); err != nil {
			return err
		}
		if n := keyCount(b); n != 4 {
			t.Errorf("%d blocks, want 4 (two full, one of 5, one after the gap)", n)
		}
		r := newAssignReader(b)
		for i, id := range ids {
			a, ok, err := r.get(id)
			if err != nil || !ok || a != as[i] {
				t.Fatalf("get(%d) = %+v, %v, %v; want %+v", id, a, ok, err, as[i])
			}
		}
		for _, id := range []uint64{0, 2*assignBlock + 6, 999, 1003} {
			if a, ok, err := r.get(id); err != nil || ok {
				t.Errorf("get(%d) = %+v, %v, %v; want nothing", id, a, ok, err)
			}
		}
		var seen []uint64
		err := forEachAssignment(b, func(id uint64, a assignment) error {
			seen = append(seen, id)
			return nil
		})
		if err != nil || !reflect.DeepEqual(seen, ids) {
			t.Errorf("forEachAssignment: %v, %v; want %v", seen, err, ids)
		}
		return nil
	})
}

// TestAssignSingleValues reads a bucket as stores wrote it before blocks:
// one key per exchange.
func TestAssignSingleValues(t *testing.T) {
	ids, as := assignFixture()
	withAssignBucket(t, func(b *bolt.Bucket) error {
		for i, id := range ids {
			if err := b.Put(u64(id), appendAssignment(nil, as[i])); err != nil {
				return err
			}
		}
		r := newAssignReader(b)
		for i := len(ids) - 1; i >= 0; i-- { // backwards: every read seeks
			a, ok, err := r.get(ids[i])
			if err != nil || !ok || a != as[i] {
				t.Fatalf("get(%d) = %+v, %v, %v; want %+v", ids[i], a, ok, err, as[i])
			}
		}
		if a, ok, err := r.get(ids[0] + 1000000); err != nil || ok {
			t.Errorf("get past the end = %+v, %v, %v", a, ok, err)
		}
		return nil
	})
}

// TestUnassignPunchesHoles removes assignments as retention does, oldest
// first, across blocks.
func TestUnassignPunchesHoles(t *testing.T) {
	ids, as := assignFixture()
	withAssignBucket(t, func(b *bolt.Bucket) error {
		if err := putBlocks(b, ids, as); err != nil {
			return err
		}
		w := newGenWriter(&indexer{}, &generation{assign: b})
		gone := ids[:assignBlock+3] // the first block and part of the second
		if err := w.unassignIDs(gone); err != nil {
			return err
		}
		r := newAssignReader(b)
		for i, id := range ids {
			a, ok, err := r.get(id)
			want := i >= len(gone)
			if err != nil || ok != want || (want && a != as[i]) {
				t.Fatalf("get(%d) = %+v, %v, %v; want %v", id, a, ok, err, want)
			}
		}
		if n := keyCount(b); n != 3 {
			t.Errorf("%d blocks left, want 3: an emptied block goes", n)
		}
		if err := w.unassignIDs([]uint64{5000}); err == nil {
			t.Error("unassigning an exchange without an assignment succeeded")
		}
		return nil
	})
}

func TestAssignBlockRejectsDamage(t *testing.T) {
	var run blockBuilder
	run.add(1, assignment{sessionID: "abc-1", keyPoint: "req.ip"})
	_, good, _ := run.finish(nil)
	for name, v := range map[string][]byte{
		"truncated":       good[:len(good)-2],
		"trailing":        append(append([]byte(nil), good...), 'x'),
		"count too large": {assignMarker, assignBlock + 1},
		"first key point": {assignMarker, 1, 1, 'a', 0},
	} {
		if got, err := decodeAssignBlock(v); err == nil {
			t.Errorf("%s: decoded %+v", name, got)
		}
	}
}

// FuzzDecodeAssignBlock feeds damaged values to the block decoder, which
// must return an error rather than panic, and checks that a block it
// accepts encodes back to what decodes the same.
func FuzzDecodeAssignBlock(f *testing.F) {
	ids, as := assignFixture()
	var run blockBuilder
	for i := range assignBlock {
		run.add(ids[i], as[i])
	}
	_, v, _ := run.finish(nil)
	f.Add(v)
	f.Add(appendAssignment(nil, as[0]))
	f.Add([]byte{assignMarker, 1, 0, 1})
	f.Fuzz(func(t *testing.T, v []byte) {
		block, err := decodeAssignBlock(v)
		if err != nil {
			return
		}
		if !isAssignBlock(v) {
			return // a value of one assignment, as stored before blocks
		}
		again, err := decodeAssignBlock(appendAssignBlock(nil, block))
		if err != nil {
			t.Fatalf("re-encoded block does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, block) {
			t.Fatalf("round trip changed the block:\n%+v\n%+v", block, again)
		}
	})
}

// TestSchema2Store opens a store as schema 2 wrote it, one assignment per
// key: read-only as it is, and writable after recording schema 3, with old
// and new assignments side by side.
func TestSchema2Store(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spoor.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	xs := traffic(300, 20, 5)
	if err := s.Write(analyse(s, xs[:200]...)); err != nil {
		t.Fatal(err)
	}
	// Rewrite the assignments as schema 2 stored them.
	err = s.db.Update(func(tx *bolt.Tx) error {
		g, err := s.indexer().current(tx)
		if err != nil {
			return err
		}
		all := map[uint64]assignment{}
		if err := forEachAssignment(g.assign, func(id uint64, a assignment) error { all[id] = a; return nil }); err != nil {
			return err
		}
		if err := g.root.DeleteBucket([]byte(genAssign)); err != nil {
			return err
		}
		b, err := g.root.CreateBucket([]byte(genAssign))
		if err != nil {
			return err
		}
		for id, a := range all {
			if err := b.Put(u64(id), appendAssignment(nil, a)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchema), u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := func(s *Store, n int) {
		t.Helper()
		for _, x := range xs[:n] {
			got, err := s.Exchange(x.ID)
			if err != nil || got.SessionID != x.SessionID || got.SessionID == "" {
				t.Fatalf("exchange %d: session %q, %v; want %q", x.ID, got.SessionID, err, x.SessionID)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of schema 2: %v", err)
	}
	want(ro, 200)
	ro.Close()

	rw := openAt(t, path, Options{})
	if err := rw.Write(analyse(rw, xs[200:]...)); err != nil {
		t.Fatal(err)
	}
	want(rw, 300)
	err = rw.db.View(func(tx *bolt.Tx) error {
		if v := idOf(tx.Bucket([]byte(bucketMeta)).Get([]byte(metaSchema))); v != schemaVersion {
			t.Errorf("schema %d after a writable open, want %d", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
