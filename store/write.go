package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// commitGranularity is the span of one entry in the commits bucket: commits
// within it share an entry, so a week of commits every 100 ms costs ten
// thousand entries, not six million. Retention keeps a batch until the last
// commit of its entry is older than the cutoff, so it keeps data at most
// this much longer than asked, never shorter.
const commitGranularity = time.Minute

// Write commits a batch of analysed exchanges and the latest summary of each
// session they touched in one transaction, with every index entry they
// imply. It assigns each exchange its id. It satisfies ingest.Writer.
func (s *Store) Write(batch []ingest.Record) error {
	p, err := s.Prepare(batch)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Prepare does what Write must do before the next exchange is analysed: it
// gives the exchanges their ids, encodes them, their bodies, assignments
// and sessions, and derives every index key, so that the batch no longer
// needs its records. It satisfies ingest.Preparer: the pipeline calls it on
// the analysis goroutine, where it overlaps the previous batch's commit.
// Commit sorts the keys, then puts bytes. Batches must be committed in the
// order they were prepared; one that fails to commit makes the store read
// its next id from the file again.
func (s *Store) Prepare(batch []ingest.Record) (ingest.Prepared, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	n := 0
	for _, r := range batch {
		if !r.Late && !r.Skipped {
			n++
		}
	}
	first, err := s.reserveIDs(n)
	if err != nil {
		return nil, err
	}
	w := s.writers.get(s.indexer)
	p := &preparedBatch{s: s, w: w, first: first, n: n}
	next := first
	for _, r := range batch {
		x := r.Exchange
		if r.Late {
			w.late = append(w.late, lateCheck{id: x.ID, attacks: x.Attacks, examined: x.Examined, added: r.Added, open: r.Session != nil})
			if r.Session != nil {
				w.touchSummary(r.Session)
			}
			continue
		}
		if r.Skipped {
			// Out of scope: only its delivery id is filed, so that the
			// collector acknowledges it.
			if x.Delivery != "" {
				w.deliveries = append(w.deliveries, w.bytes(deliveryKey(w.spare(), x.Delivery)))
			}
			continue
		}
		x.ID = next
		next++
		key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), x.ID))
		if s.queueForCRS(x) {
			p.queued++
			w.crsQueue = append(w.crsQueue, w.bytes(crsQueueKey(w.spare(), engine.CatchUpRank(x), x.ID)))
		}
		w.exchanges = append(w.exchanges, keyValue{key, w.bytes(appendExchange(w.spare(), x))})
		if x.Delivery != "" {
			w.deliveries = append(w.deliveries, w.bytes(deliveryKey(w.spare(), x.Delivery)))
		}
		if len(x.ReqBody.Data) > 0 || len(x.RespBody.Data) > 0 {
			w.bodies = append(w.bodies, keyValue{key, w.bytes(appendBodies(w.spare(), x.ReqBody.Data, x.RespBody.Data))})
		}
		if err := w.assign(x, assignment{sessionID: x.SessionID, keyPoint: x.KeyPoint}); err != nil {
			s.crsQueued.Add(-int64(p.queued))
			s.writers.put(w)
			return nil, err
		}
		w.touch(r.Session, x.ID)
	}
	if err := w.encode(); err != nil {
		s.crsQueued.Add(-int64(p.queued))
		s.writers.put(w)
		return nil, fmt.Errorf("commit to %s: %w", s.path, err)
	}
	w.finishRun()
	if p.inventory, err = s.takeInventory(); err != nil {
		s.crsQueued.Add(-int64(p.queued))
		s.writers.put(w)
		return nil, err
	}
	// Sorting the index keys is the costliest part of encoding a batch and
	// needs neither the sessions nor a transaction, so it runs beside both
	// the analysis of the next batch and the commit of the previous one:
	// on the analysis goroutine or the committing one, it lengthened
	// whichever of the two was the busier.
	p.grouped = make(chan struct{})
	go func() {
		defer close(p.grouped)
		w.group()
	}()
	return p, nil
}

// reserveIDs hands out the ids of the next n exchanges. The store is the
// file's only writer (bbolt locks it), so after the first batch the next id
// is known without reading the exchanges bucket's sequence.
func (s *Store) reserveIDs(n int) (uint64, error) {
	s.ids.Lock()
	defer s.ids.Unlock()
	if s.nextID == 0 {
		err := s.db.View(func(tx *bolt.Tx) error {
			s.nextID = tx.Bucket([]byte(bucketExchanges)).Sequence() + 1
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("commit to %s: %w", s.path, err)
		}
	}
	first := s.nextID
	s.nextID += uint64(n)
	return first, nil
}

// forgetNextID makes the next reserveIDs read the sequence again, after a
// batch whose ids were reserved failed to commit.
func (s *Store) forgetNextID() {
	s.ids.Lock()
	s.nextID = 0
	s.ids.Unlock()
}

// preparedBatch is a batch Prepare encoded; Commit writes it.
type preparedBatch struct {
	s *Store
	// w holds the encoded log records, the arena the keys and values live
	// in, the pending index keys and the touched sessions; its generation
	// is set in the transaction. Commit returns it to the store's pool and
	// clears it.
	w     *genWriter
	first uint64
	n     int
	// queued is how many of the batch's exchanges join the catch-up
	// queue; Prepare counted them in crsQueued already.
	queued int
	// inventory are the endpoint records the batch rewrites.
	inventory []keyValue
	// grouped is closed once the writer's keys are sorted; until then the
	// writer is the sorting goroutine's.
	grouped chan struct{}
}

type keyValue struct{ key, value []byte }

// Commit writes the batch in one transaction. It satisfies ingest.Prepared.
func (p *preparedBatch) Commit() error {
	s, w := p.s, p.w
	if w == nil {
		return errors.New("batch committed twice")
	}
	p.w = nil
	<-p.grouped
	// Once the transaction has ended bbolt holds no slice of the arena,
	// and the writer may serve the next batch.
	defer s.writers.put(w)
	if p.n == 0 && len(w.late) == 0 && len(w.deliveries) == 0 && len(p.inventory) == 0 {
		return nil
	}
	now := s.now()
	removed := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		g, err := w.ix.current(tx)
		if err != nil {
			return err
		}
		w.g = g
		xs := tx.Bucket([]byte(bucketExchanges))
		bodies := tx.Bucket([]byte(bucketBodies))
		appendOnly(xs, bodies)
		if removed, err = w.amendLate(tx, w.late); err != nil {
			return err
		}
		if len(w.deliveries) > 0 {
			if err := putDeliveries(tx, w.deliveries, now); err != nil {
				return err
			}
		}
		if p.n == 0 {
			if err := putInventory(tx, p.inventory); err != nil {
				return err
			}
			return w.flush()
		}
		if next := xs.Sequence() + 1; next != p.first {
			return fmt.Errorf("batch starts at exchange %d, the log at %d: %w", p.first, next, ErrCorrupt)
		}
		last := p.first + uint64(p.n) - 1
		if err := xs.SetSequence(last); err != nil {
			return err
		}
		if len(w.crsQueue) > 0 {
			q, err := tx.CreateBucketIfNotExists([]byte(bucketCRSQueue))
			if err != nil {
				return err
			}
			for _, k := range w.crsQueue {
				if err := q.Put(k, nil); err != nil {
					return err
				}
			}
		}
		for _, kv := range w.exchanges {
			if err := xs.Put(kv.key, kv.value); err != nil {
				return err
			}
		}
		for _, kv := range w.bodies {
			if err := bodies.Put(kv.key, kv.value); err != nil {
				return err
			}
		}
		if err := w.flush(); err != nil {
			return err
		}
		if err := putInventory(tx, p.inventory); err != nil {
			return err
		}
		return stampCommit(tx.Bucket([]byte(bucketCommits)), last, now)
	})
	if err != nil {
		s.forgetNextID()
		s.crsQueued.Add(-int64(p.queued))
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	s.crsQueued.Add(-int64(removed))
	return nil
}

// stampCommit records that exchanges up to lastID were committed at now,
// folding commits within commitGranularity of the entry's first into it.
// An entry's value is its first and last commit time.
func stampCommit(commits *bolt.Bucket, lastID uint64, now time.Time) error {
	appendOnly(commits)
	t := now.UnixNano()
	first := t
	if k, v := commits.Cursor().Last(); k != nil && len(v) == 16 {
		f := int64(binary.BigEndian.Uint64(v))
		if t >= f && t-f < int64(commitGranularity) {
			first = f
			if err := commits.Delete(k); err != nil {
				return err
			}
		}
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(first))
	v = binary.BigEndian.AppendUint64(v, uint64(t))
	return commits.Put(u64(lastID), v)
}

// genWriter writes the grouping of exchanges into one generation: their
// assignments, the session lists, the request-level indexes, and session
// records with their entries. Write, regroup and retention share it, so
// that the keys they put and delete are the same by construction.
type genWriter struct {
	ix *indexer
	g  *generation
	// arena holds every key and value handed to bbolt in this
	// transaction: bbolt keeps the slices until commit, so nothing in the
	// arena is overwritten once taken; when a block runs short, the next
	// record starts a new one and the old block stays with the slices that
	// point into it. blocks lists the blocks taken, and next the first of
	// them reset left free for reuse.
	arena  []byte
	blocks [][]byte
	next   int
	// touched collects the sessions of the exchanges assigned so far, for
	// putSessions.
	touched map[string]*sessionDelta
	// run gathers the assignments of consecutive exchanges into a
	// block, assigns holds the finished blocks, unassigned the ids whose
	// assignments go, and pending the posting keys (postings.go) of their session lists and
	// request-level indexes, by slot (see pendingBucket); encode groups
	// them into postings, which flush puts. drops holds, by slot, the
	// posting keys unassign removes.
	run        blockBuilder
	assigns    []keyValue
	unassigned []uint64
	pending    [][][]byte
	postings   [][]keyValue
	drops      [][][]byte
	// entryPuts holds the session entries putSessions puts last, in key
	// order.
	entryPuts []entryPut
	// exchanges and bodies are the log records of the batch Prepare
	// encoded, for Commit; only Prepare's writers use them. crsQueue
	// holds the catch-up queue keys of the batch's exchanges the Core
	// Rule Set has yet to check, and late the late checks the batch
	// amends stored exchanges with (catchup.go).
	exchanges, bodies []keyValue
	crsQueue          [][]byte
	// deliveries holds the delivery keys of the batch's collected
	// exchanges, stored or skipped (deliveries.go).
	deliveries [][]byte
	late       []lateCheck
	// free holds cleared deltas for touch, and ids is putSessions'
	// scratch: a reused writer (writerPool) allocates neither again.
	free []*sessionDelta
	ids  []string
}

// sessionDelta is what one transaction adds to a session: its latest
// summary and the range and number of its new exchanges. encode turns the
// summary into its index entries and bytes.
type sessionDelta struct {
	session     *engine.Session
	first, last uint64
	n           uint64
	entries     []indexEntry
	summary     []byte
}

// clear empties d for reuse, keeping its entries' room.
func (d *sessionDelta) clear() *sessionDelta {
	*d = sessionDelta{entries: d.entries[:0]}
	return d
}

func newGenWriter(ix *indexer, g *generation) *genWriter {
	n := 1 + len(ix.xidx)
	return &genWriter{ix: ix, g: g, touched: map[string]*sessionDelta{}, pending: make([][][]byte, n), postings: make([][]keyValue, n), drops: make([][][]byte, n)}
}

// pendingBucket is the bucket of pending slot i: the session lists, then
// the request-level indexes in table order.
func (w *genWriter) pendingBucket(i int) *bolt.Bucket {
	if i == 0 {
		return w.g.sessionExchanges
	}
	return w.g.xidx[i-1]
}

// arenaBlock is the size of the arena's blocks, and arenaRoom the room a
// block must have left for the next record: a record that does not fit
// starts a new block, so that no append copies what the arena already
// handed out.
const (
	arenaBlock = 1 << 20
	arenaRoom  = 64 << 10
)

// spare returns the arena with at least arenaRoom bytes of room.
func (w *genWriter) spare() []byte {
	if cap(w.arena)-len(w.arena) < arenaRoom {
		if w.next < len(w.blocks) {
			w.arena = w.blocks[w.next][:0]
		} else {
			w.arena = make([]byte, 0, arenaBlock)
			w.blocks = append(w.blocks, w.arena)
		}
		w.next++
	}
	return w.arena
}

// reset readies the writer for another transaction, keeping what it grew:
// arena blocks, scratch slices and deltas. It must be called only once the
// transaction has ended, when bbolt no longer holds any slice of the arena.
func (w *genWriter) reset() {
	w.g, w.arena, w.next = nil, nil, 0
	// A batch of large bodies can grow the arena to hundreds of blocks;
	// the pool keeps what a typical batch needs, not what the largest one
	// did, so that a burst does not hold its memory for good.
	clear(w.blocks[min(len(w.blocks), keptBlocks):])
	w.blocks = w.blocks[:min(len(w.blocks), keptBlocks)]
	for _, d := range w.touched {
		w.free = append(w.free, d.clear())
	}
	clear(w.touched)
	w.run = blockBuilder{body: w.run.body[:0]}
	w.assigns, w.unassigned = w.assigns[:0], w.unassigned[:0]
	for i := range w.pending {
		w.pending[i], w.postings[i], w.drops[i] = w.pending[i][:0], w.postings[i][:0], w.drops[i][:0]
	}
	w.exchanges, w.bodies = w.exchanges[:0], w.bodies[:0]
	clear(w.late)
	w.crsQueue, w.late = w.crsQueue[:0], w.late[:0]
	w.deliveries = w.deliveries[:0]
	clear(w.entryPuts)
	w.entryPuts = w.entryPuts[:0]
}

// writerPool keeps Prepare's writers between batches, with what they grew:
// a batch of ten thousand exchanges otherwise allocates megabytes of arena
// and scratch afresh for the collector to sweep, and the collector's cost
// grows with what is allocated. A sync.Pool would not do: it is emptied by
// every other collection, and an import collects about once a batch. The
// pipeline holds at most three batches uncommitted, so the pool keeps a
// few writers.
type writerPool struct {
	mu   sync.Mutex
	free []*genWriter
}

const pooledWriters = 4

// keptBlocks bounds the arena blocks a pooled writer keeps: 16 MiB, twice
// what a batch of ten thousand log lines takes.
const keptBlocks = 16

// get returns a cleared writer, or a new one with an indexer from newIndexer.
func (p *writerPool) get(newIndexer func() *indexer) *genWriter {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		w := p.free[n-1]
		p.free = p.free[:n-1]
		return w
	}
	return newGenWriter(newIndexer(), nil)
}

// put clears w and keeps it for a later get, unless the pool is full.
func (p *writerPool) put(w *genWriter) {
	w.reset()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < pooledWriters {
		p.free = append(p.free, w)
	}
}

// bytes takes what was appended to the arena since the previous take. It is
// called as w.bytes(appendX(w.spare(), ...)).
func (w *genWriter) bytes(grown []byte) []byte {
	start := len(w.arena)
	w.arena = grown
	return grown[start:len(grown):len(grown)]
}

// assign records that x belongs to a.sessionID. It needs no transaction:
// flush puts what it collects. Consecutive exchanges share an assignment
// block (assign.go).
func (w *genWriter) assign(x *engine.Exchange, a assignment) error {
	if !w.run.add(x.ID, a) {
		w.finishRun()
		w.run.add(x.ID, a)
	}
	w.pending[0] = append(w.pending[0], w.bytes(appendSessionExchangeKey(w.spare(), a.sessionID, x.ID)))
	var err error
	w.arena, err = w.ix.exchangeKeys(w.spare(), x, a.sessionID, x.ID, func(i int, key []byte) error {
		w.pending[1+i] = append(w.pending[1+i], key)
		return nil
	})
	return err
}

// finishRun turns the assignments gathered so far into a block to put.
func (w *genWriter) finishRun() {
	first, value, ok := w.run.finish(w.spare())
	if !ok {
		return
	}
	value = w.bytes(value)
	w.assigns = append(w.assigns, keyValue{w.bytes(binary.BigEndian.AppendUint64(w.spare(), first)), value})
}

// group sorts the pending keys and groups them into postings: part of
// flush that needs no transaction, nor the records the keys came from.
func (w *genWriter) group() {
	for i, keys := range w.pending {
		if len(keys) == 0 {
			continue
		}
		slices.SortFunc(keys, bytes.Compare)
		w.postings[i] = w.appendPostings(w.postings[i], keys)
		w.pending[i] = keys[:0]
	}
}

// encode encodes the touched sessions' summaries and entries: the part of
// flush that needs no transaction but reads the sessions.
func (w *genWriter) encode() error {
	for _, d := range w.touched {
		if d.session == nil {
			continue // encoded already
		}
		d.entries, w.arena = w.ix.appendSessionEntries(d.entries[:0], w.spare(), d.session)
		b, err := appendSessionSummary(w.spare(), d.session)
		if err != nil {
			return err
		}
		d.summary, d.session = w.bytes(b), nil
	}
	return nil
}

// flush puts the assignments and keys assign collected, sorted, and the
// touched sessions. bbolt splits nodes only at commit, so a transaction's
// inserts pile up in the nodes they land in, and an insert moves every
// later key of its node: in key order each insert lands at or near the end,
// which keeps a batch's inserts linear.
func (w *genWriter) flush() error {
	w.group()
	if err := w.encode(); err != nil {
		return err
	}
	w.finishRun()
	slices.SortFunc(w.assigns, func(a, b keyValue) int { return bytes.Compare(a.key, b.key) })
	for _, kv := range w.assigns {
		if err := w.g.assign.Put(kv.key, kv.value); err != nil {
			return err
		}
	}
	w.assigns = w.assigns[:0]
	if len(w.unassigned) > 0 {
		slices.Sort(w.unassigned)
		if err := w.unassignIDs(w.unassigned); err != nil {
			return err
		}
		w.unassigned = w.unassigned[:0]
	}
	for i, lists := range w.postings {
		b := w.pendingBucket(i)
		for _, kv := range lists {
			if err := b.Put(kv.key, kv.value); err != nil {
				return err
			}
		}
		w.postings[i] = lists[:0]
	}
	for i, keys := range w.drops {
		if len(keys) == 0 {
			continue
		}
		if err := w.dropPostings(w.pendingBucket(i), keys); err != nil {
			return err
		}
		w.drops[i] = keys[:0]
	}
	return w.putSessions()
}

// delta returns the batch's record of what changed in s, starting one
// (from the free list when it can) the first time s is touched.
func (w *genWriter) delta(s *engine.Session) *sessionDelta {
	d := w.touched[s.ID]
	if d == nil {
		if n := len(w.free); n > 0 {
			d, w.free = w.free[n-1], w.free[:n-1]
		} else {
			d = new(sessionDelta)
		}
		w.touched[s.ID] = d
	}
	return d
}

// touch notes that exchange id joined s, whose summary is now as given.
func (w *genWriter) touch(s *engine.Session, id uint64) {
	d := w.delta(s)
	if d.n == 0 {
		d.first = id // the delta may have been a summary's alone (touchSummary)
	}
	d.session, d.last = s, id
	d.n++
}

// putSessions writes the sessions touched since the last call, in id order
// for the reason flush sorts.
func (w *genWriter) putSessions() error {
	w.ids = slices.AppendSeq(w.ids[:0], maps.Keys(w.touched))
	slices.Sort(w.ids)
	for _, id := range w.ids {
		d := w.touched[id]
		if err := w.putSession(w.bytes(append(w.spare(), id...)), d); err != nil {
			return err
		}
		delete(w.touched, id)
		w.free = append(w.free, d.clear())
	}
	clear(w.ids) // the ids are the sessions' own strings
	return w.putEntries()
}

// unassign removes what assign recorded; the ids leave their postings and
// their assignment blocks when flush runs.
func (w *genWriter) unassign(x *engine.Exchange, a assignment) error {
	w.unassigned = append(w.unassigned, x.ID)
	w.drops[0] = append(w.drops[0], w.bytes(appendSessionExchangeKey(w.spare(), a.sessionID, x.ID)))
	var err error
	w.arena, err = w.ix.exchangeKeys(w.spare(), x, a.sessionID, x.ID, func(i int, key []byte) error {
		w.drops[1+i] = append(w.drops[1+i], key)
		return nil
	})
	return err
}

// putSession writes a session's record and brings its index entries in line
// with it: entries of the previous record that no longer hold are deleted,
// new ones are put, unchanged ones are left alone.
func (w *genWriter) putSession(id []byte, d *sessionDelta) error {
	h := sessionHeader{first: d.first, last: d.last, count: d.n, entries: d.entries}
	seq, v := w.g.session(id)
	if v == nil && d.n == 0 {
		return nil // a late tag for a session retention or a regroup removed
	}
	var old sessionHeader
	if v != nil {
		var err error
		if old, _, err = readSessionHeader(v); err != nil {
			return fmt.Errorf("session %s: %w", id, err)
		}
		h.first, h.last, h.count = min(old.first, d.first), max(old.last, d.last), old.count+d.n
		if d.n == 0 { // a late tag: the summary changed, not the range
			h.first, h.last = old.first, old.last
		}
	} else {
		var err error
		if seq, err = w.g.sessions.NextSequence(); err != nil {
			return err
		}
		if err := w.putSessionID(id, seq); err != nil {
			return err
		}
	}
	key := w.bytes(binary.BigEndian.AppendUint64(w.spare(), seq))
	if err := w.replaceEntries(old.entries, h.entries, key); err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	return w.g.sessions.Put(key, w.bytes(append(appendSessionHeader(w.spare(), h), d.summary...)))
}

// replaceEntries deletes the entries of old that are not in next and queues
// those of next that are not in old, with the session's sequence number as
// their value, for putEntries.
func (w *genWriter) replaceEntries(old, next []indexEntry, seq []byte) error {
	for _, e := range old {
		if b := w.g.bucket(w.ix, e.bucket); b != nil && !containsEntry(next, e) {
			if err := b.Delete(e.key); err != nil {
				return err
			}
		}
	}
	for _, e := range next {
		b := w.g.bucket(w.ix, e.bucket)
		if b == nil {
			return fmt.Errorf("no bucket %s: %w", e.bucket, ErrCorrupt)
		}
		if !containsEntry(old, e) {
			w.entryPuts = append(w.entryPuts, entryPut{name: e.bucket, bucket: b, key: e.key, value: seq})
		}
	}
	return nil
}

// entryPut is a session entry replaceEntries queued.
type entryPut struct {
	name       string
	bucket     *bolt.Bucket
	key, value []byte
}

// putEntries puts the queued entries in key order. Sessions are written in
// id order, which is no order of their last-seen keys, and a batch's
// last-seen keys all land at the end of that bucket: put in session order,
// each shifted half the growing last node, and those shifts cost more than
// the rest of the puts.
func (w *genWriter) putEntries() error {
	slices.SortFunc(w.entryPuts, func(a, b entryPut) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return bytes.Compare(a.key, b.key)
	})
	for _, e := range w.entryPuts {
		if err := e.bucket.Put(e.key, e.value); err != nil {
			return err
		}
	}
	clear(w.entryPuts) // they point into the transaction's buckets
	w.entryPuts = w.entryPuts[:0]
	return nil
}

// forget records that n of a session's exchanges, the newest of them
// through, were deleted: the session goes with its last exchange, else its
// header is updated and its summary kept.
func (w *genWriter) forget(id []byte, n, through uint64) error {
	seq, v := w.g.session(id)
	if v == nil {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	h, at, err := readSessionHeader(v)
	if err != nil {
		return fmt.Errorf("session %s: %w", id, err)
	}
	key := u64(seq)
	if h.count <= n {
		if err := w.replaceEntries(h.entries, nil, key); err != nil {
			return fmt.Errorf("session %s: %w", id, err)
		}
		if err := w.putEntries(); err != nil {
			return err
		}
		if err := w.deleteSessionID(id); err != nil {
			return err
		}
		return w.g.sessions.Delete(key)
	}
	// Retention deletes the oldest exchanges first, so the session's
	// remaining ones all come after through.
	h.count -= n
	h.first = max(h.first, through+1)
	rec := append(appendSessionHeader(w.spare(), h), v[at:]...)
	return w.g.sessions.Put(key, w.bytes(rec))
}
