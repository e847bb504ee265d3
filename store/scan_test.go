package store

import (
	"reflect"
	"slices"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestScanExchangesCoversTheLog checks that the slices of a scan read
// every exchange once, in order, as ExchangesPage gives it, with the
// parts not asked for left zero.
func TestScanExchangesCoversTheLog(t *testing.T) {
	s := openTemp(t, Options{})
	if err := s.Write(analyse(s, traffic(3*scanChunk+17, 40, 7)...)); err != nil {
		t.Fatal(err)
	}
	var want []engine.Exchange
	for after := uint64(0); ; {
		page, err := s.ExchangesPage(after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	for _, parts := range []int{1, 2, 3} {
		var got []engine.Exchange
		for part := range parts {
			err := s.ScanExchanges(ScanOptions{Part: part, Parts: parts, Decode: PartHeaders}, func(x *engine.Exchange) (bool, error) {
				got = append(got, *x)
				return true, nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d parts: scanned %d exchanges, the log holds %d", parts, len(got), len(want))
		}
		for i := range got {
			w := want[i]
			w.Context = nil // not asked for
			if !reflect.DeepEqual(got[i], w) {
				t.Fatalf("%d parts: exchange %d scans as %+v, reads as %+v", parts, w.ID, got[i], w)
			}
		}
	}
	n := 0
	if err := s.ScanExchanges(ScanOptions{}, func(x *engine.Exchange) (bool, error) {
		if x.ReqHeaders != nil {
			t.Fatalf("exchange %d: headers decoded though not asked for", x.ID)
		}
		n++
		return n < 10, nil
	}); err != nil || n != 10 {
		t.Fatalf("a scan told to stop after 10 read %d (%v)", n, err)
	}
}

// TestScanSessionsCoversTheGrouping checks that the slices of a session
// scan read every session once, with the ids of its exchanges, and that
// Only skips by id.
func TestScanSessionsCoversTheGrouping(t *testing.T) {
	s := openTemp(t, Options{})
	if err := s.Write(analyse(s, traffic(5000, 300, 11)...)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, sess := range all {
		want = append(want, sess.ID)
	}
	slices.Sort(want)
	for _, parts := range []int{1, 2, 4} {
		var got []string
		for part := range parts {
			err := s.ScanSessions(ScanOptions{Part: part, Parts: parts, IDs: true}, func(sess *engine.Session, ids []uint64) (bool, error) {
				got = append(got, sess.ID)
				xs, err := s.Requests(sess.ID)
				if err != nil {
					return false, err
				}
				var want []uint64
				for _, x := range xs {
					want = append(want, x.ID)
				}
				if !slices.Equal(ids, want) {
					t.Errorf("session %s: scanned with exchanges %v, has %v", sess.ID, ids, want)
				}
				return true, nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%d parts: scanned %d sessions, the grouping has %d", parts, len(got), len(want))
		}
	}
	only := want[len(want)/3]
	var got []string
	if err := s.ScanSessions(ScanOptions{Only: func(id string, _ []uint64) bool { return id == only }}, func(sess *engine.Session, _ []uint64) (bool, error) {
		got = append(got, sess.ID)
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{only}) {
		t.Fatalf("Only %s: scanned %v", only, got)
	}
}

// FuzzReadSessionHead feeds damaged session records to the head a scan
// reads before deciding to decode a session, and to the partial decode
// it then makes, alone or into a borrowing scan's buffer: they must
// return an error rather than panic, and agree with the full decoder on
// a sound record.
func FuzzReadSessionHead(f *testing.F) {
	s := engine.Session{
		ID: "abc-1", User: "alice", IPs: []string{"192.0.2.1"}, StatusCounts: map[int]int{200: 2, 404: 1},
		Attacks: map[string]int{"sqli": 1}, Flows: map[string]int{"Auth": 1}, Endpoints: []string{"/login"},
	}
	b, err := appendSession(nil, &s, sessionHeader{first: 3, last: 9, count: 2, entries: []indexEntry{{bucket: "s:user", key: []byte("\x05aliceabc-1")}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{sessionCodec})
	f.Fuzz(func(t *testing.T, b []byte) {
		head, err := readSessionHead(b)
		if err != nil {
			return
		}
		h, _, hErr := readSessionHeader(b)
		sess, sErr := decodeSession(b)
		if hErr != nil || sErr != nil {
			return
		}
		if head.id != sess.ID || head.first != h.first || head.last != h.last || head.count != h.count {
			t.Fatalf("head %+v, header %+v of session %q", head, h, sess.ID)
		}
		var buf scanBuffer
		buf.record([]byte("a record decoded before"))
		buf.strings(3)
		for _, parts := range []Parts{0, PartCounts, PartActivity, allParts} {
			part, err := decodeSessionParts(b, parts)
			if err != nil {
				t.Fatalf("a session that decodes whole does not in part %b: %v", parts, err)
			}
			borrowed, err := decodeSessionInto(b, parts, &buf)
			if err != nil || !reflect.DeepEqual(borrowed, part) {
				t.Fatalf("parts %b: into a scan's buffer\n%+v, %v\nnot\n%+v", parts, borrowed, err, part)
			}
			want := sess
			if parts&PartCounts == 0 {
				want.StatusCounts, want.Flows = nil, nil
			}
			if parts&PartActivity == 0 {
				want.Activity, want.Endpoints = engine.Activity{}, nil
			}
			if !reflect.DeepEqual(part, want) {
				t.Fatalf("in part %b\n%+v\nwhole, less the parts skipped\n%+v", parts, part, want)
			}
		}
	})
}

// TestScanCallsOutsideTransactions checks that the scans call fn with no
// read transaction open, so that fn may read the store: a read
// transaction opened inside another on one goroutine deadlocks when a
// writer waits to grow the memory map between the two.
func TestScanCallsOutsideTransactions(t *testing.T) {
	s := openTemp(t, Options{})
	if err := s.Write(analyse(s, traffic(scanChunk+100, 40, 7)...)); err != nil {
		t.Fatal(err)
	}
	calls := 0
	if err := s.ScanExchanges(ScanOptions{}, func(x *engine.Exchange) (bool, error) {
		calls++
		if open := s.db.Stats().OpenTxN; open != 0 {
			t.Fatalf("exchange %d: fn called with %d read transactions open", x.ID, open)
		}
		if calls%1000 == 0 {
			if _, err := s.Exchange(x.ID); err != nil { // a read inside fn
				t.Fatal(err)
			}
		}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	sessions := 0
	if err := s.ScanSessions(ScanOptions{IDs: true}, func(sess *engine.Session, ids []uint64) (bool, error) {
		sessions++
		if open := s.db.Stats().OpenTxN; open != 0 {
			t.Fatalf("session %s: fn called with %d read transactions open", sess.ID, open)
		}
		if len(ids) == 0 {
			t.Fatalf("session %s: no exchange ids", sess.ID)
		}
		if _, err := s.Session(sess.ID); err != nil {
			t.Fatal(err)
		}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	if calls != scanChunk+100 || sessions == 0 {
		t.Fatalf("scanned %d exchanges and %d sessions, want %d and some", calls, sessions, scanChunk+100)
	}
}

// TestScanExchangesStopsAtLast checks that Last ends the scanned log, for
// a scan that must see the log as an earlier step saw it.
func TestScanExchangesStopsAtLast(t *testing.T) {
	s := openTemp(t, Options{})
	if err := s.Write(analyse(s, traffic(500, 10, 3)...)); err != nil {
		t.Fatal(err)
	}
	first, last, err := s.LogRange()
	if err != nil {
		t.Fatal(err)
	}
	end := first + 199
	for _, parts := range []int{1, 2} {
		var got []uint64
		for part := range parts {
			if err := s.ScanExchanges(ScanOptions{Part: part, Parts: parts, Last: end}, func(x *engine.Exchange) (bool, error) {
				got = append(got, x.ID)
				return true, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != 200 || got[0] != first || got[len(got)-1] != end {
			t.Fatalf("%d parts, log %d-%d, Last %d: scanned %d ids from %v to %v", parts, first, last, end, len(got), got[:1], got[len(got)-1:])
		}
	}
}

// TestScanBorrowedEqualsKept checks that a borrowing scan lends fn, chunk
// after chunk of a reused buffer, what a scan that allocates gives it.
func TestScanBorrowedEqualsKept(t *testing.T) {
	s := openTemp(t, Options{})
	if err := s.Write(analyse(s, traffic(2*scanChunk+300, 500, 13)...)); err != nil {
		t.Fatal(err)
	}
	for _, parts := range []Parts{0, PartHeaders | PartContext | PartExtras} {
		var kept []engine.Exchange
		if err := s.ScanExchanges(ScanOptions{Decode: parts}, func(x *engine.Exchange) (bool, error) {
			kept = append(kept, *x)
			return true, nil
		}); err != nil {
			t.Fatal(err)
		}
		i := 0
		if err := s.ScanExchanges(ScanOptions{Decode: parts, Borrow: true}, func(x *engine.Exchange) (bool, error) {
			if !reflect.DeepEqual(*x, kept[i]) {
				t.Fatalf("parts %b: exchange %d borrowed as %+v, kept as %+v", parts, x.ID, *x, kept[i])
			}
			i++
			return true, nil
		}); err != nil || i != len(kept) {
			t.Fatalf("parts %b: borrowed %d exchanges of %d (%v)", parts, i, len(kept), err)
		}
	}
	for _, parts := range []Parts{0, PartCounts | PartActivity} {
		kept := map[string]engine.Session{}
		if err := s.ScanSessions(ScanOptions{Decode: parts}, func(sess *engine.Session, _ []uint64) (bool, error) {
			kept[sess.ID] = *sess
			return true, nil
		}); err != nil {
			t.Fatal(err)
		}
		n := 0
		if err := s.ScanSessions(ScanOptions{Decode: parts, Borrow: true, IDs: true}, func(sess *engine.Session, _ []uint64) (bool, error) {
			if !reflect.DeepEqual(*sess, kept[sess.ID]) {
				t.Fatalf("parts %b: session %s borrowed as %+v, kept as %+v", parts, sess.ID, *sess, kept[sess.ID])
			}
			n++
			return true, nil
		}); err != nil || n != len(kept) {
			t.Fatalf("parts %b: borrowed %d sessions of %d (%v)", parts, n, len(kept), err)
		}
	}
}
