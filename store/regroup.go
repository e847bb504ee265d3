package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// regroupChunk is how many exchanges one regroup step reads and then
// writes into the new generation, and regroupBodyBytes how many bytes of
// bodies it may hold: a step ends at whichever comes first. A step's write
// transaction holds bbolt's lock for the puts only (tens of milliseconds),
// during which a capture's next commit waits.
const (
	regroupChunk     = 20000
	regroupBodyBytes = 64 << 20
)

// Grouper assigns stored exchanges to sessions when the grouping changes. An
// *engine.Sessionizer built with the new keys and the store's secret is
// one: stored credentials are keyed hashes, and hashing a hash returns it, so
// grouping the stored copy yields the identities grouping the clear values
// did. Assign sets x.SessionID and x.KeyPoint; the session it returns may be
// updated by later calls.
type Grouper interface {
	Assign(x *engine.Exchange) *engine.Session
	// Evict forgets sessions idle at now, bounding the memory a regroup of
	// a long history needs.
	Evict(now time.Time) int
}

// bodyless is implemented by a Grouper that can say it reads no body:
// grouping keys may read request and response bodies (req.json.*,
// resp.json.token, forms, GraphQL, MCP), so a regroup loads each exchange's
// stored bodies unless its Grouper says they are not needed.
type bodyless interface {
	NeedsBodies() bool
}

func needsBodies(g Grouper) bool {
	b, ok := g.(bodyless)
	return !ok || b.NeedsBodies()
}

// readStep decodes the exchanges from id next on, with their bodies if
// withBodies, up to regroupChunk of them or regroupBodyBytes of bodies, into
// buf, which a regroup reuses from step to step: a step holds thousands of
// exchanges, and growing a fresh slice for each cost more than decoding them.
func readStep(tx *bolt.Tx, next uint64, withBodies bool, buf []engine.Exchange) ([]engine.Exchange, error) {
	xs := buf[:0]
	bodies := tx.Bucket([]byte(bucketBodies))
	held := 0
	c := tx.Bucket([]byte(bucketExchanges)).Cursor()
	for k, v := c.Seek(u64(next)); k != nil && len(xs) < regroupChunk && held < regroupBodyBytes; k, v = c.Next() {
		x, err := decodeExchange(idOf(k), v)
		if err != nil {
			return nil, err
		}
		if withBodies {
			if b := bodies.Get(k); b != nil {
				if x.ReqBody.Data, x.RespBody.Data, err = decodeBodies(b); err != nil {
					return nil, fmt.Errorf("exchange %d: %w", x.ID, err)
				}
				held += len(b)
			}
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// RegroupOptions tune a regroup.
type RegroupOptions struct {
	// Progress, if set, is called after each step with the exchanges
	// regrouped so far and the total known at that point, which grows while
	// a capture adds exchanges.
	Progress func(done, total int)
	// Config, if not nil, is saved as the analysis configuration (see
	// SaveConfig) in the transaction that switches to the new grouping, so
	// that the file never pairs sessions with a grouping they were not built
	// with.
	Config []byte
}

// Regrouping is a regroup in progress: a new generation (generation.go)
// being built from the log while the current one keeps serving. Until
// Finish or Abort it holds the store's maintenance lock, so retention waits.
type Regrouping struct {
	s        *Store
	g        Grouper
	opts     RegroupOptions
	gen      uint64
	next     uint64 // the id of the next exchange to regroup
	done     int
	released bool
	// held are the sessions touched in the last step, not written yet. The
	// new generation is nobody's to read until Finish, so a session is
	// written when a step passes without it, or at Finish, not once per
	// step it takes part in: a history of a million exchanges from
	// thousands of steady actors would otherwise write as many sessions as
	// exchanges.
	held  map[string]*heldSession
	steps int
	buf   []engine.Exchange // readStep's buffer
}

// heldSession is a session a regroup has not written yet, and the step
// that last touched it.
type heldSession struct {
	sessionDelta
	step int
}

// StartRegroup lays out an empty generation for g's grouping. The caller
// then runs CatchUp, in the background and as often as it likes, and Finish
// while nothing else writes exchanges (for a live capture: in the writer's
// goroutine between two batches, see ingest.Pipeline.Do), or Abort.
func (s *Store) StartRegroup(g Grouper, opts RegroupOptions) (*Regrouping, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	if !s.regrouping.CompareAndSwap(false, true) {
		return nil, ErrRegroupRunning
	}
	// Wait for a chunk of late checks in flight to commit; later ones see
	// the regroup and wait for its end (HoldLate).
	s.late.Lock()
	//lint:ignore SA2001 the lock is a barrier: nothing is guarded inside
	s.late.Unlock()
	s.maint.Lock()
	r := &Regrouping{s: s, g: g, opts: opts, held: map[string]*heldSession{}}
	err := s.db.Update(func(tx *bolt.Tx) error {
		gen, err := s.indexer().createGeneration(tx)
		if err != nil {
			return err
		}
		r.gen = gen.id
		if k, _ := tx.Bucket([]byte(bucketExchanges)).Cursor().First(); k != nil {
			r.next = idOf(k)
		}
		return nil
	})
	if err != nil {
		r.unlock()
		return nil, fmt.Errorf("start regroup of %s: %w", s.path, err)
	}
	return r, nil
}

// CatchUp regroups the exchanges stored since the last step, in steps of
// regroupChunk, until it reaches the end of the log.
func (r *Regrouping) CatchUp(ctx context.Context) error {
	if r.released {
		return errors.New("regroup already finished or aborted")
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.step()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// step regroups the next exchanges (see readStep): it reads and groups them
// in a read transaction, then writes their assignments and the sessions they
// touched in a write transaction that holds the lock only for the puts.
func (r *Regrouping) step() (int, error) {
	var xs []engine.Exchange
	var total int
	err := r.s.db.View(func(tx *bolt.Tx) error {
		var err error
		if xs, err = readStep(tx, r.next, needsBodies(r.g), r.buf); err != nil {
			return err
		}
		total = r.done + exchangeCount(tx)
		if k, _ := tx.Bucket([]byte(bucketExchanges)).Cursor().First(); k != nil && idOf(k) < r.next {
			total -= int(r.next - idOf(k))
		}
		return nil
	})
	if err != nil || len(xs) == 0 {
		return 0, err
	}
	r.buf = xs
	r.steps++
	for i := range xs {
		r.hold(r.g.Assign(&xs[i]), xs[i].ID)
	}
	err = r.write(func(w *genWriter) error {
		for i := range xs {
			x := &xs[i]
			if err := w.assign(x, assignment{sessionID: x.SessionID, keyPoint: x.KeyPoint}); err != nil {
				return err
			}
		}
		r.release(w, false)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("regroup exchanges %d to %d: %w", xs[0].ID, xs[len(xs)-1].ID, err)
	}
	r.g.Evict(xs[len(xs)-1].Start)
	r.next = xs[len(xs)-1].ID + 1
	r.done += len(xs)
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, max(total, r.done))
	}
	return len(xs), nil
}

// hold notes that exchange id joined s.
func (r *Regrouping) hold(s *engine.Session, id uint64) {
	h := r.held[s.ID]
	if h == nil {
		h = &heldSession{sessionDelta: sessionDelta{first: id}}
		r.held[s.ID] = h
	}
	h.session, h.last, h.step = s, id, r.steps
	h.n++
}

// release hands w the held sessions the last step did not touch, or all of
// them.
func (r *Regrouping) release(w *genWriter, all bool) {
	for id, h := range r.held {
		if all || h.step < r.steps {
			w.touched[id] = &h.sessionDelta
			delete(r.held, id)
		}
	}
}

// write runs fn with a writer of the new generation in one transaction,
// then puts what fn left for it.
func (r *Regrouping) write(fn func(w *genWriter) error) error {
	return r.s.db.Update(func(tx *bolt.Tx) error {
		ix := r.s.indexer()
		g, err := ix.openGeneration(tx, r.gen)
		if err != nil {
			return err
		}
		w := newGenWriter(ix, g)
		if err := fn(w); err != nil {
			return err
		}
		return w.flush()
	})
}

// Finish regroups what is left and switches readers and the writer to the
// new grouping in one transaction. Nothing may write exchanges meanwhile:
// the caller pauses its writer, then builds the writer's analyzer afresh
// from the new sessions (ActiveSince), as it would after a restart. The
// previous generation stays on disk until DropStale.
func (r *Regrouping) Finish() error {
	if err := r.CatchUp(context.Background()); err != nil {
		r.Abort()
		return err
	}
	defer r.unlock()
	err := r.write(func(w *genWriter) error {
		r.release(w, true)
		meta := w.g.root.Tx().Bucket([]byte(bucketMeta))
		if err := meta.Put([]byte(metaGeneration), u64(r.gen)); err != nil {
			return err
		}
		if r.opts.Config != nil {
			return meta.Put([]byte(metaConfig), r.opts.Config)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("switch %s to the new grouping: %w", r.s.path, err)
	}
	return nil
}

// Abort abandons the regroup; the partial generation is deleted by the next
// DropStale. It is safe to call after Finish.
func (r *Regrouping) Abort() { r.unlock() }

func (r *Regrouping) unlock() {
	if r.released {
		return
	}
	r.released = true
	r.s.maint.Unlock()
	r.s.regrouping.Store(false)
}

// Regroup rebuilds every session from the stored exchanges with g's
// grouping, then deletes the previous grouping. It is for a store no capture
// is writing to (or whose writer is paused); a live capture uses
// StartRegroup so that it can finish between two of its batches.
func (s *Store) Regroup(ctx context.Context, g Grouper, opts RegroupOptions) error {
	r, err := s.StartRegroup(g, opts)
	if err != nil {
		return err
	}
	if err := r.CatchUp(ctx); err != nil {
		r.Abort()
		return err
	}
	if err := r.Finish(); err != nil {
		return err
	}
	return s.DropStale(ctx)
}

// Preview tells what a regroup would do: "Before sessions → After (Merged
// merged, Split split)".
type Preview struct {
	// Before and After count sessions under the current and the new
	// grouping.
	Before, After int
	// Merged counts new sessions that take exchanges from more than one
	// current session.
	Merged int
	// Split counts current sessions whose exchanges land in more than one
	// new session.
	Split int
}

// PreviewRegroup runs g over the stored exchanges without writing anything
// and compares the outcome with the current grouping. g must be fresh, and
// is spent afterwards. It reads in short transactions, like a regroup.
func (s *Store) PreviewRegroup(ctx context.Context, g Grouper) (Preview, error) {
	// For each session, the first counterpart seen, or "" once a second
	// one shows that it merged or split.
	oldTo := make(map[string]string)
	newFrom := make(map[string]string)
	var next uint64
	var buf []engine.Exchange
	for {
		if err := ctx.Err(); err != nil {
			return Preview{}, err
		}
		var xs []engine.Exchange
		var olds []string
		err := s.db.View(func(tx *bolt.Tx) error {
			gen, err := s.indexer().current(tx)
			if err != nil {
				return err
			}
			if xs, err = readStep(tx, next, needsBodies(g), buf); err != nil {
				return err
			}
			olds = make([]string, len(xs))
			assigned := newAssignReader(gen.assign)
			for i := range xs {
				a, ok, err := assigned.get(xs[i].ID)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("exchange %d has no assignment: %w", xs[i].ID, ErrCorrupt)
				}
				olds[i] = a.sessionID
			}
			return nil
		})
		if err != nil {
			return Preview{}, fmt.Errorf("preview regroup of %s: %w", s.path, err)
		}
		if len(xs) == 0 {
			break
		}
		buf = xs
		for i := range xs {
			newID := g.Assign(&xs[i]).ID
			tally(oldTo, olds[i], newID)
			tally(newFrom, newID, olds[i])
		}
		last := xs[len(xs)-1]
		g.Evict(last.Start)
		next = last.ID + 1
	}
	p := Preview{Before: len(oldTo), After: len(newFrom)}
	for _, v := range oldTo {
		if v == "" {
			p.Split++
		}
	}
	for _, v := range newFrom {
		if v == "" {
			p.Merged++
		}
	}
	return p, nil
}

// tally records that session from has counterpart to, marking it with ""
// once it has two.
func tally(m map[string]string, from, to string) {
	switch cur, ok := m[from]; {
	case !ok:
		m[strings.Clone(from)] = to // from may share a whole record's memory
	case cur != "" && cur != to:
		m[from] = ""
	}
}
