package ingest

import (
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Record is one analysed exchange and the summary of its session after it.
type Record struct {
	Exchange *engine.Exchange
	Session  engine.Session
}

// Writer persists batches of records; the store implements it. Write is
// called from one goroutine only.
type Writer interface {
	Write(batch []Record) error
}

// Options bound a batch: it is committed when it holds MaxBatch records or
// when MaxDelay has passed since its first record, whichever comes first.
type Options struct {
	MaxBatch int
	MaxDelay time.Duration
	// OnCommit, if set, is called after each committed batch with its size;
	// the TUI uses it to refresh. It must not block.
	OnCommit func(n int)
}

// Pipeline analyses queued exchanges and writes them in batches.
type Pipeline struct {
	analyzer *engine.Analyzer
	writer   Writer
	opts     Options
}

// NewPipeline returns a pipeline; Run drives it.
func NewPipeline(a *engine.Analyzer, w Writer, opts Options) *Pipeline {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 10000
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 100 * time.Millisecond
	}
	return &Pipeline{analyzer: a, writer: w, opts: opts}
}

// Run reads src until it is closed, then commits what is pending and
// returns. Closing the source is how the caller asks for a final flush, so no
// accepted exchange is lost on shutdown.
func (p *Pipeline) Run(src <-chan *engine.Exchange) error {
	batch := make([]Record, 0, min(p.opts.MaxBatch, 1024))
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	flush := func() error {
		timer.Stop()
		if len(batch) == 0 {
			return nil
		}
		if err := p.writer.Write(batch); err != nil {
			return fmt.Errorf("write %d exchanges: %w", len(batch), err)
		}
		if p.opts.OnCommit != nil {
			p.opts.OnCommit(len(batch))
		}
		p.analyzer.Sessionizer().Evict(batch[len(batch)-1].Exchange.Start)
		batch = batch[:0]
		return nil
	}
	for {
		select {
		case x, ok := <-src:
			if !ok {
				return flush()
			}
			if !p.analyzer.InScope(x) {
				continue // proxied, but outside what the user wants kept
			}
			if len(batch) == 0 {
				timer.Reset(p.opts.MaxDelay)
			}
			s := p.analyzer.Process(x)
			batch = append(batch, Record{Exchange: x, Session: s})
			if len(batch) >= p.opts.MaxBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		case <-timer.C:
			if err := flush(); err != nil {
				return err
			}
		}
	}
}
