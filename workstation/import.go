package workstation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// ImportOptions configure an Importer.
type ImportOptions struct {
	// Store is the path of the store file.
	Store string
	// ConfigFile is an analysis configuration to group with, saved in
	// the store; empty runs with the store's, else the defaults.
	ConfigFile string
	// Format says how the files are read.
	Format importer.Options
	// NoDetect imports without attack tags.
	NoDetect bool
	// CRSAll has the Core Rule Set check every exchange; by default it
	// checks those tier 1 tagged or the prefilter flags, and tier 1 alone
	// examines the rest (importDetection).
	CRSAll bool
	// Specs are API specification files (--spec) added to the
	// configuration's spec list, which is then saved.
	Specs []string
	// Log receives the detector's events; nil discards them.
	Log *slog.Logger
}

// Importer imports files one after another into one store with one
// analyzer, so that sessions continue from one file to the next, and from
// a capture before them: readers → detection → analysis → store, as a
// capture, with tier 1 on every exchange and tier 2 screened or on every
// one (ImportOptions.CRSAll).
type Importer struct {
	store    *store.Store
	analyzer *engine.Analyzer
	// imported is true once a source went through the analyzer, whose
	// sessionizer has since forgotten the parts idle at its last
	// exchange: the next source may be older, so it restores them.
	imported bool
	attacks  *attackDetector // nil with NoDetect
	format   importer.Options
}

// OpenImport opens the store and builds the analysis (the configuration
// file's, saved, else the store's) and the detector; Close closes the
// store.
func OpenImport(opts ImportOptions) (*Importer, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(opts.Store, store.Options{})
	if err != nil {
		return nil, err
	}
	im, err := newImporter(st, opts)
	if err != nil {
		st.Close()
		return nil, err
	}
	return im, nil
}

func newImporter(st *store.Store, opts ImportOptions) (*Importer, error) {
	cfg, _, err := EffectiveConfig(opts.ConfigFile, st, nil)
	if err != nil {
		return nil, err
	}
	if cfg, err = WithSpecFiles(cfg, opts.Specs); err != nil {
		return nil, err
	}
	specs, err := LoadSpecs(cfg)
	if err != nil {
		return nil, err
	}
	if opts.ConfigFile != "" || len(opts.Specs) > 0 {
		if err := saveConfig(st, cfg); err != nil {
			return nil, err
		}
	}
	inv, err := openInventory(st, specs)
	if err != nil {
		return nil, err
	}
	st.TrackInventory(inv)
	im := &Importer{store: st, format: opts.Format}
	if im.analyzer, err = continueSessions(st, cfg, specs); err != nil {
		return nil, err
	}
	im.analyzer.Use(&inventoryFeed{inv: inv, on: true})
	if !opts.NoDetect {
		if im.attacks, err = newAttackDetector(opts.Log, importDetection(opts.CRSAll)); err != nil {
			return nil, err
		}
		if im.attacks.mute, err = savedMutes(st, cfg); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// Close closes the store.
func (im *Importer) Close() error { return im.store.Close() }

// ImportResult is what importing one source did.
type ImportResult struct {
	// Skipped is true when a source with the same content was imported
	// before; Previous records that import, and nothing else is set.
	Skipped  bool
	Previous store.ImportRecord
	// Resumed counts the records (lines or HAR entries) at the start of
	// the source that an earlier import had read, From, and that were
	// skipped: a repaired or grown file adds only what is new.
	Resumed int
	From    store.ImportRecord
	// Stats are the reader's counts; Committed how many exchanges were
	// kept (the others were outside the configured scope).
	Stats     importer.Stats
	Committed int
	// Detect is false with NoDetect. Tagged counts the exchanges that
	// got attack tags, Tier2 those the Core Rule Set checked, Screened
	// those screening left to tier 1 alone.
	Detect                  bool
	Tagged, Tier2, Screened uint64
}

// ErrNothingImported is returned when a source had lines but none parsed.
var ErrNothingImported = errors.New("no line could be imported")

// Imported reports whether src's content was imported before, to its end
// or to where it breaks, and that import's record. A source whose import
// was interrupted is not imported: importing it goes on where it stopped.
func (im *Importer) Imported(src *Source) (store.ImportRecord, bool, error) {
	rec, found, err := im.store.Imported(src.Hash())
	return rec, found && !rec.Interrupted, err
}

// Import imports src unless its content was imported before, and records
// it as imported. A source that starts with the content an earlier import
// read (see importer.Position) is read from where that import stopped.
// onCommit, if not nil, receives each commit's count as it happens, for a
// progress display.
//
// A source that breaks off (a truncated gzip) keeps every record before the
// break and returns the *importer.BreakError; an interrupted import keeps
// what it read and returns the context's error. Both are recorded with how
// far they read, so that importing the repaired file, or the same file
// again, adds only the rest.
func (im *Importer) Import(ctx context.Context, src *Source, onCommit func(n int)) (ImportResult, error) {
	var res ImportResult
	if rec, done, err := im.Imported(src); err != nil || done {
		return ImportResult{Skipped: done, Previous: rec}, err
	}
	opts := im.format
	var err error
	if opts.Resume, res.From, err = im.resumeFrom(src); err != nil {
		return res, err
	}
	res.Resumed = opts.Resume.Records
	var before detect.SchedulerStats
	var tagged uint64
	if im.attacks != nil {
		res.Detect = true
		before, tagged = im.attacks.Stats(), im.attacks.tagged.Load()
	}
	if im.imported {
		if err := restoreSessions(im.store, im.analyzer); err != nil {
			return res, err
		}
	}
	im.imported = true
	stats, err := im.run(ctx, src, opts, func(n int) {
		res.Committed += n
		if onCommit != nil {
			onCommit(n)
		}
	})
	res.Stats = stats
	if im.attacks != nil {
		after := im.attacks.Stats()
		res.Tagged, res.Tier2, res.Screened = im.attacks.tagged.Load()-tagged, after.Tier2-before.Tier2, after.Screened-before.Screened
	}
	rec := store.ImportRecord{
		Hash: src.Hash(), Name: src.Name(), Format: string(stats.Format),
		Exchanges: stats.Exchanges, BadLines: stats.Bad, Imported: time.Now(),
		Records: stats.Read.Records, Offset: stats.Read.Offset, Content: stats.Read.Hash,
		Continues: res.From.Name,
	}
	var brk *importer.BreakError
	switch {
	case err == nil:
		if stats.Exchanges == 0 && stats.Bad > 0 {
			return res, fmt.Errorf("%w (first: %s)", ErrNothingImported, stats.FirstBad)
		}
	case errors.As(err, &brk):
		rec.Stopped = brk.Error()
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		rec.Interrupted = true
	default:
		return res, err
	}
	if rerr := im.store.RecordImport(rec); rerr != nil {
		return res, rerr
	}
	return res, err
}

// resumeFrom finds the earlier import whose content src starts with, and
// the position it read to; it reads src as far as the longest earlier
// import and rewinds it.
func (im *Importer) resumeFrom(src *Source) (importer.Position, store.ImportRecord, error) {
	recs, err := im.store.Imports()
	if err != nil {
		return importer.Position{}, store.ImportRecord{}, err
	}
	known := make([]importer.Position, 0, len(recs))
	byPosition := make(map[importer.Position]store.ImportRecord, len(recs))
	for _, rec := range recs {
		if rec.Content == "" || rec.Records == 0 {
			continue
		}
		p := importer.Position{Records: rec.Records, Offset: rec.Offset, Hash: rec.Content}
		known = append(known, p)
		byPosition[p] = rec
	}
	if len(known) == 0 {
		return importer.Position{}, store.ImportRecord{}, nil
	}
	p, ok := importer.MatchPrefix(src, known)
	if err := src.rewind(); err != nil || !ok {
		return importer.Position{}, store.ImportRecord{}, err
	}
	return p, byPosition[p], nil
}

// importBatch is the number of exchanges an import commits at once: larger
// batches wrote no fewer pages per exchange in a 300,000-line import and
// held more memory.
const importBatch = 10000

// run feeds the source through the detection stage and the analysis
// pipeline. The channel is ours, so a send may block: an import waits for
// the store rather than dropping, as the proxy must. The pipeline commits
// what it holds when the channel is closed, on success and on failure
// alike.
func (im *Importer) run(ctx context.Context, src *Source, opts importer.Options, onCommit func(n int)) (importer.Stats, error) {
	ch := make(chan *engine.Exchange, 1024)
	// Nobody watches an import's commits live, so a batch may wait a
	// second to fill: with the capture's 100 ms bound, analysis filled a
	// third of each batch in time, and every commit rewrites the pages its
	// sessions' random ids land on. A slow stream on stdin still commits
	// every second.
	pipeline := ingest.NewPipeline(im.analyzer, im.store, ingest.Options{MaxBatch: importBatch, MaxDelay: time.Second, OnCommit: onCommit})
	// Detection runs between the reader and the analysis, on its own
	// workers, as in a capture; without a queue before it, the reader
	// waits for it.
	var analysed <-chan *engine.Exchange = ch
	if im.attacks != nil {
		// Every core: an import has no proxy to leave a core to.
		analysed = ingest.DetectStage(ch, im.attacks, runtime.GOMAXPROCS(0), nil)
	}
	var pipelineErr error
	ran := make(chan struct{})     // the pipeline returned
	stopped := make(chan struct{}) // and the detection stage is drained
	go func() {
		defer close(stopped)
		pipelineErr = pipeline.Run(analysed)
		close(ran)
		// A pipeline that failed leaves the stage's output unread: drain
		// it, so that its workers end once the reader stops.
		for range analysed {
		}
	}()
	// The send does not give up when ctx ends: the reader then stops
	// and hands on what it read, which the pipeline keeps.
	stats, err := importer.Import(ctx, src, opts, func(x *engine.Exchange) error {
		select {
		case ch <- x:
			return nil
		case <-ran:
			return errors.New("the store stopped accepting exchanges")
		}
	})
	close(ch)
	<-stopped
	if pipelineErr != nil {
		return stats, pipelineErr
	}
	return stats, err
}
