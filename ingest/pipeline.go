package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// ErrStopped is returned by Do once Run has returned.
var ErrStopped = errors.New("pipeline stopped")

// Record is one analysed exchange and its session. In a batch handed to a
// Writer, Session is the summary after the batch's last exchange: records
// of one session share it, and the writer stores it once.
type Record struct {
	Exchange *engine.Exchange
	Session  *engine.Session
	// Late marks a record that amends an exchange already stored with
	// what a late Core Rule Set check found: Exchange carries its id, its
	// tags after the check and its examination, and Added the tags the
	// check added. Session is its session, updated, while the analyzer
	// holds it open, or nil: the writer then adds Added to the stored
	// summary itself, in the same transaction.
	Late  bool
	Added []engine.AttackTag
	// Skipped marks an exchange the scope leaves out that a capture node
	// published: Exchange carries only its Delivery id, which the writer
	// files among the delivered ids in the batch's transaction and stores
	// nothing else, so that the collector acknowledges it. Without it the
	// collector's unacknowledged messages fill with out-of-scope exchanges
	// and it stops fetching.
	Skipped bool
}

// Writer persists batches of records; the store implements it. Write is
// called from one goroutine only, and must not keep the batch once it
// returns: the pipeline reuses it.
type Writer interface {
	Write(batch []Record) error
}

// A Preparer is a Writer that can do the part of a write that needs no
// transaction ahead of it: encoding records, deriving and sorting index
// keys. The pipeline then calls Prepare on the analysis goroutine, in commit
// order, so that this work overlaps the previous batch's commit, and commits
// the result on the committing goroutine. What Prepare returns must not
// refer to the batch, which the pipeline reuses.
type Preparer interface {
	Writer
	Prepare(batch []Record) (Prepared, error)
}

// Prepared is a batch ready to commit. Commit is called once.
type Prepared interface {
	Commit() error
}

// Options bound a batch: it is committed when it holds MaxBatch records or
// when MaxDelay has passed since its first record, whichever comes first.
type Options struct {
	MaxBatch int
	MaxDelay time.Duration
	// OnCommit, if set, is called after each committed batch with its size;
	// the TUI uses it to refresh. It runs on the committing goroutine and
	// must not block.
	OnCommit func(n int)
}

// Pipeline analyses queued exchanges and writes them in batches. Analysis
// and commits run in two goroutines, so that the next batch is analysed
// while the previous one is written: on a machine with two cores that
// nearly doubles what a capture sustains. The committing goroutine is the
// store's only writer of exchanges.
//
// While a batch is being committed, the next one gathers; if it fills
// before the commit ends, it waits in a queue of one while a third
// gathers, and analysis waits only when that one fills too. So at most
// three batches are ever uncommitted: the one being written, the one
// queued and the one gathering. The queue absorbs a commit slower than
// the rest (a merge of session ids, a larger batch), which otherwise
// stalled analysis and left a core idle; a prepared batch no longer holds
// its records, so queueing one costs only its encoded bytes.
type Pipeline struct {
	analyzer *engine.Analyzer
	writer   Writer
	opts     Options
	jobs     chan job
	amends   chan amendment
	stopped  chan struct{} // closed when Run returns
}

// Late is a late Core Rule Set check of a stored exchange, for Amend.
type Late struct {
	// Exchange is the stored exchange, with its ID and SessionID as read,
	// its tags after the check and its examination.
	Exchange *engine.Exchange
	// Added are the tags the check added to those tier 1 had stored.
	Added []engine.AttackTag
}

// amendment is a call of Amend: its checks and the channel closed once
// the batch holding them is committed.
type amendment struct {
	checks    []Late
	committed chan struct{}
}

// job is a function Do runs between two batches.
type job struct {
	fn   func(*engine.Analyzer) (*engine.Analyzer, error)
	done chan error
}

// NewPipeline returns a pipeline; Run drives it.
func NewPipeline(a *engine.Analyzer, w Writer, opts Options) *Pipeline {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 10000
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 100 * time.Millisecond
	}
	return &Pipeline{analyzer: a, writer: w, opts: opts, jobs: make(chan job), amends: make(chan amendment), stopped: make(chan struct{})}
}

// Amend hands late checks to the analysis goroutine, the one place that
// both holds the open sessions and feeds the store's only writer: it
// adds each check's tags to its session's counts if the session is open,
// and puts the checks in the batch it gathers, whose commit rewrites the
// exchanges, their index entries and the summaries of sessions it no
// longer holds, in one transaction. That keeps the summary of an open
// session, which every batch rewrites from memory, from losing a late
// tag. Amend waits until that batch is committed, so that the caller's
// next read of the catch-up queue no longer holds these exchanges.
func (p *Pipeline) Amend(ctx context.Context, checks []Late) error {
	if len(checks) == 0 {
		return nil
	}
	a := amendment{checks: checks, committed: make(chan struct{})}
	select {
	case p.amends <- a:
	case <-p.stopped:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-a.committed:
		return nil
	case <-p.stopped:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Do runs fn on the analysis goroutine once every exchange analysed so far
// is committed and before the next batch is handed to the writer: the store
// has no write of the pipeline in flight while fn runs, and the analyzer is
// fn's to read. If fn returns an analyzer, later exchanges are analysed with
// it: that is how a regroup switches a live capture to the new grouping.
// Do waits for fn and returns its error, or ErrStopped if Run has returned
// or returns before fn could run.
func (p *Pipeline) Do(fn func(a *engine.Analyzer) (*engine.Analyzer, error)) error {
	j := job{fn: fn, done: make(chan error, 1)}
	select {
	case p.jobs <- j:
		return <-j.done
	case <-p.stopped:
		return ErrStopped
	}
}

// Run reads src until it is closed, then commits what is pending and
// returns. Closing the source is how the caller asks for a final flush, so no
// accepted exchange is lost on shutdown.
func (p *Pipeline) Run(src <-chan *engine.Exchange) error {
	defer close(p.stopped)
	c := startCommitter(p.writer, p.opts.OnCommit)
	err := p.analyse(src, c)
	if cerr := c.close(); err == nil {
		err = cerr
	}
	return err
}

// analyse is the analysis loop: it gathers batches and hands them to c.
func (p *Pipeline) analyse(src <-chan *engine.Exchange, c *committer) error {
	// Batches are recycled: the committer hands each written one back, so
	// that a busy capture does not allocate megabytes of records per batch
	// for the collector to sweep.
	newBatch := func() []Record {
		select {
		case b := <-c.free:
			return b
		default:
			return make([]Record, 0, min(p.opts.MaxBatch, 1024))
		}
	}
	batch := newBatch()
	// committed holds the channels of the amendments in the batch, closed
	// once it is committed.
	var committed []chan struct{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	flush := func() error {
		timer.Stop()
		if len(batch) == 0 {
			return nil
		}
		var last time.Time
		n := 0
		for _, r := range batch {
			if !r.Late && !r.Skipped {
				last = r.Exchange.Start
				n++
			}
		}
		req := commitRequest{batch: batch, n: n, size: len(batch), committed: committed}
		committed = nil
		if pw, ok := p.writer.(Preparer); ok {
			// Prepare reads the live sessions before the next exchange
			// changes them.
			prepared, err := pw.Prepare(batch)
			if err != nil {
				return fmt.Errorf("prepare %d exchanges: %w", len(batch), err)
			}
			// The prepared batch holds its own bytes: the records can go
			// now rather than when the commit ends, which halves the
			// exchanges held during a commit.
			req.prepared, req.batch = prepared, nil
			clear(batch)
		} else {
			// Write runs while the next batch is analysed: it gets a
			// copy of each session, made once per batch.
			snapshot(batch)
		}
		if err := c.send(req); err != nil {
			return err
		}
		if req.batch == nil {
			batch = batch[:0]
		} else {
			batch = newBatch() // the committer owns the old one now
		}
		// The batch no longer needs the live sessions (Prepare has read
		// them, or the records hold copies), so the sessionizer may forget
		// idle ones before the commit ends.
		if n > 0 {
			p.analyzer.Sessionizer().Evict(last)
		}
		return nil
	}
	for {
		select {
		case x, ok := <-src:
			if !ok {
				return flush()
			}
			r, keep := p.record(x)
			if !keep {
				continue // proxied, but outside what the user wants kept
			}
			if len(batch) == 0 {
				timer.Reset(p.opts.MaxDelay)
			}
			batch = append(batch, r)
			if len(batch) >= p.opts.MaxBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		case a := <-p.amends:
			// Late checks are committed at once, with what the batch
			// holds: the catch-up worker waits for the commit before it
			// reads the queue again, and a wait for the batch's deadline
			// left it idle most of the time when the queue drained.
			batch = p.amend(batch, a.checks)
			committed = append(committed, a.committed)
			if err := flush(); err != nil {
				return err
			}
		case <-timer.C:
			if err := flush(); err != nil {
				return err
			}
		case j := <-p.jobs:
			err := flush()
			if err == nil {
				err = c.wait()
			}
			if err != nil {
				j.done <- err
				return err
			}
			a, err := j.fn(p.analyzer)
			if a != nil {
				p.analyzer = a
			}
			j.done <- err
		}
	}
}

// record analyses x into its record when it is in scope. Out of scope, it
// returns a Skipped record that holds only x's delivery id, or keep false
// when x has none (it was not collected) and nothing need be written.
func (p *Pipeline) record(x *engine.Exchange) (r Record, keep bool) {
	if !p.analyzer.InScope(x) {
		if x.Delivery == "" {
			return Record{}, false
		}
		return Record{Exchange: &engine.Exchange{Delivery: x.Delivery}, Skipped: true}, true
	}
	if x.Examined == 0 {
		// No detection stage ran (--no-detect): say so, rather than let
		// the request read as clean.
		x.Examined = engine.ExaminedOff
	}
	return Record{Exchange: x, Session: p.analyzer.Analyze(x)}, true
}

// amend appends late checks to batch, adding their tags to the counts of
// the sessions the analyzer holds open; the writer updates the others'.
func (p *Pipeline) amend(batch []Record, checks []Late) []Record {
	z := p.analyzer.Sessionizer()
	for _, c := range checks {
		var s *engine.Session
		if len(c.Added) > 0 {
			if s = z.OpenSession(c.Exchange.SessionID); s != nil {
				s.AddAttacks(c.Added)
			}
		}
		batch = append(batch, Record{Exchange: c.Exchange, Session: s, Late: true, Added: c.Added})
	}
	return batch
}

// snapshot replaces the live sessions of a batch with copies, one per
// session.
func snapshot(batch []Record) {
	copies := make(map[*engine.Session]*engine.Session)
	for i, r := range batch {
		if r.Session == nil {
			continue // a late check of a session the analyzer no longer holds
		}
		c := copies[r.Session]
		if c == nil {
			cl := r.Session.Clone()
			c = &cl
			copies[r.Session] = c
		}
		batch[i].Session = c
	}
}

// committer is the goroutine that writes batches, one at a time, in the
// order they are handed to it.
type committer struct {
	in   chan commitRequest
	free chan []Record // written batches, cleared, for reuse
	done chan struct{} // closed when the goroutine ends
	err  error         // why it ended early; read after done
}

// commitRequest is a batch to write, or, with a nil batch, a barrier whose
// ack is closed once everything before it is committed.
type commitRequest struct {
	batch []Record
	// n is how many new exchanges the batch holds, and size how many
	// records, late checks and skipped exchanges included.
	n, size int
	// committed are closed once the batch is committed.
	committed []chan struct{}
	// prepared, if set, is batch as the writer's Prepare left it.
	prepared Prepared
	ack      chan struct{}
}

func startCommitter(w Writer, onCommit func(int)) *committer {
	c := &committer{in: make(chan commitRequest, 1), free: make(chan []Record, 3), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for req := range c.in {
			if req.size > 0 {
				var err error
				if req.prepared != nil {
					err = req.prepared.Commit()
				} else {
					err = w.Write(req.batch)
				}
				if err != nil {
					c.err = fmt.Errorf("write %d exchanges: %w", req.n, err)
					return
				}
				for _, ch := range req.committed {
					close(ch)
				}
				if onCommit != nil {
					onCommit(req.n)
				}
				if req.batch != nil {
					clear(req.batch) // drop the references, so reuse keeps nothing alive
					select {
					case c.free <- req.batch[:0]:
					default:
					}
				}
			}
			if req.ack != nil {
				close(req.ack)
			}
		}
	}()
	return c
}

// send hands req over, or reports why the committer stopped; it waits only
// while the previous batch is still being written.
func (c *committer) send(req commitRequest) error {
	select {
	case c.in <- req:
		return nil
	case <-c.done:
		return c.err
	}
}

// wait returns once every batch handed over is committed.
func (c *committer) wait() error {
	ack := make(chan struct{})
	if err := c.send(commitRequest{ack: ack}); err != nil {
		return err
	}
	select {
	case <-ack:
		return nil
	case <-c.done:
		return c.err
	}
}

// close commits what was handed over and stops the goroutine.
func (c *committer) close() error {
	select {
	case <-c.done: // stopped early: nothing more will be read
	default:
		close(c.in)
		<-c.done
	}
	return c.err
}
