package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui"
)

// workstation is a running capture: store, analysis pipeline and proxy. The
// demo adds its API and actors around one.
type workstation struct {
	store    *store.Store
	queue    *ingest.Queue
	proxy    *capture.Proxy
	listener net.Listener
	log      *slog.Logger

	pipelineDone chan error
	serveDone    chan error
	notify       chan struct{} // a commit happened; holds at most one signal
	pipeline     *ingest.Pipeline
	maint        *maintenance // retention and regroups (maintenance.go)
	attacks      *attackDetector
	// stopCatchUp ends the catch-up queue's worker and the CPU sampler;
	// catchUpDone is closed once both have returned.
	stopCatchUp context.CancelFunc
	catchUpDone chan struct{}
	// configMu serialises the TUI's configuration changes (a regroup, a
	// context save), each of which reads the saved configuration, changes
	// one part and switches the capture: one must not undo the other.
	configMu sync.Mutex
}

type workstationConfig struct {
	dbPath         string
	upstream       string
	listen         string
	trustForwarded []netip.Prefix
	// configFile is --config; fallbackConfig is used when neither it nor
	// the store has one (the demo's embedded configuration).
	configFile     string
	fallbackConfig []byte
	// retention is --retention, nil without the flag: how long captured
	// traffic is kept; zero keeps it forever. Without the flag, the
	// analysis configuration's retention holds.
	retention *time.Duration
	// noDetect is --no-detect: exchanges are stored, grouped and judged
	// without attack tags, and neither detection tier runs.
	noDetect bool
	log      *slog.Logger
}

// startWorkstation opens the store, starts the pipeline and the proxy. Every
// failure is reported before anything is served, so a bad flag never leaves
// a half-started proxy behind.
func startWorkstation(cfg workstationConfig) (*workstation, error) {
	if cfg.configFile != "" {
		// A bad file is reported before anything is opened or served.
		if _, err := readConfigFile(cfg.configFile); err != nil {
			return nil, err
		}
	}
	queue := ingest.NewQueue(ingest.DefaultQueueSize)
	proxy, err := capture.New(capture.Options{
		Upstream:       cfg.upstream,
		Listen:         cfg.listen,
		TrustForwarded: cfg.trustForwarded,
		Sink:           queue,
		Logger:         cfg.log,
	})
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.dbPath, store.Options{})
	if err != nil {
		return nil, err
	}
	ln, err := proxy.Listen()
	if err != nil {
		st.Close()
		return nil, err
	}
	w := &workstation{
		store:        st,
		queue:        queue,
		proxy:        proxy,
		listener:     ln,
		log:          cfg.log,
		pipelineDone: make(chan error, 1),
		serveDone:    make(chan error, 1),
		notify:       make(chan struct{}, 1),
	}

	if !cfg.noDetect {
		w.attacks, err = newAttackDetector(cfg.log, captureDetection())
		if err != nil {
			ln.Close()
			st.Close()
			return nil, err
		}
	}
	analysisCfg, _, err := effectiveConfig(cfg.configFile, st, cfg.fallbackConfig)
	if err == nil {
		err = saveConfig(st, analysisCfg)
	}
	var analyzer *engine.Analyzer
	if err == nil {
		analyzer, err = newAnalyzer(analysisCfg, st.Secret())
	}
	if err != nil {
		ln.Close()
		st.Close()
		return nil, err
	}
	// Continue the session parts of actors seen before a restart, and keep
	// part numbers growing so old parts are never overwritten.
	previous, err := st.Sessions(0)
	if err != nil {
		ln.Close()
		st.Close()
		return nil, err
	}
	for _, s := range previous {
		analyzer.Sessionizer().Restore(s)
	}
	keep := analysisCfg.Retention
	if cfg.retention != nil {
		keep = *cfg.retention
	}
	w.maint = startMaintenance(st, keep, cfg.log)
	w.pipeline = ingest.NewPipeline(analyzer, st, ingest.Options{OnCommit: func(n int) {
		w.maint.logCommit(n, w.queue.Dropped())
		select {
		case w.notify <- struct{}{}:
		default: // a refresh is already pending
		}
	}})
	detected := w.queue.C()
	if w.attacks != nil {
		detected = ingest.DetectStage(detected, w.attacks, detectWorkers(), w.queue.Len)
	}
	go func() { w.pipelineDone <- w.pipeline.Run(detected) }()
	w.startCatchUp()
	go func() { w.serveDone <- proxy.Serve(ln) }()
	cfg.log.Info("capture started", "listen", ln.Addr().String(), "upstream", cfg.upstream, "store", cfg.dbPath)
	return w, nil
}

// startCatchUp starts the worker that drains the store's catch-up queue
// (what the Core Rule Set could not check at once, this run's and the
// previous runs') and the CPU sampler that sizes tier 2's budget. With
// --no-detect there is neither.
func (w *workstation) startCatchUp() {
	ctx, cancel := context.WithCancel(context.Background())
	w.stopCatchUp, w.catchUpDone = cancel, make(chan struct{})
	if w.attacks == nil {
		close(w.catchUpDone)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { w.attacks.sampleCPU(ctx) })
	wg.Go(func() {
		err := ingest.RunCatchUp(ctx, w.store, w.attacks, w.pipeline, ingest.CatchUpOptions{
			Workers: catchUpWorkers(),
			OnDrained: func(n int) {
				w.log.Info("the Core Rule Set's catch-up queue is empty", "checked", n)
			},
		})
		if err != nil {
			w.log.Error("the Core Rule Set's catch-up queue stopped; its exchanges stay queued for the next run", "err", err)
		}
	})
	go func() {
		wg.Wait()
		close(w.catchUpDone)
	}()
}

// catchUpWorkers is all cores but one, at least one: the budget, not the
// worker count, bounds what tier 2 takes, and the workers let it use the
// cores an idle proxy leaves.
func catchUpWorkers() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// Addr is the proxy's listening address.
func (w *workstation) Addr() string { return w.listener.Addr().String() }

// stop shuts the proxy down (finishing requests in flight), then drains the
// queue into the store and closes it, so every accepted exchange is kept.
func (w *workstation) stop() error {
	// The catch-up queue stops first: what it holds stays in the store
	// and is resumed by the next run.
	w.stopCatchUp()
	<-w.catchUpDone
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	if err := w.proxy.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop proxy: %w", err))
	}
	if err := <-w.serveDone; err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, fmt.Errorf("proxy: %w", err))
	}
	w.queue.Close()
	if err := <-w.pipelineDone; err != nil {
		errs = append(errs, err)
	}
	w.maint.stop()
	if err := w.store.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stats reads the live counters for the TUI's status bar.
func (w *workstation) stats() tui.Stats {
	return tui.Stats{Captured: w.queue.Accepted(), Dropped: w.queue.Dropped(), CRSPending: w.store.PendingCRS(), CRSOff: w.store.CRSOverflow()}
}

// summary is the line printed when a headless run ends.
func (w *workstation) summary(out io.Writer, path string) {
	if w.attacks == nil {
		fmt.Fprintf(out, "spoor: captured %d exchanges, dropped %d, stored in %s; attack checks: off (--no-detect)\n",
			w.queue.Accepted(), w.queue.Dropped(), path)
		return
	}
	d := w.attacks.Stats()
	fmt.Fprintf(out, "spoor: captured %d exchanges, dropped %d, stored in %s; attack checks: tier 1 %d, tier 2 %d (%d of them late), tier 2 pending %d, tier 2 off (queue full) %d\n",
		w.queue.Accepted(), w.queue.Dropped(), path, d.Tier1, d.Tier2, d.Late, w.store.PendingCRS(), w.store.CRSOverflow())
}

// runTUI runs the interface until the user quits or ctx ends, forwarding
// commit notifications, which the model coalesces into at most 20 reloads
// a second so a busy API cannot flood the UI.
func (w *workstation) runTUI(ctx context.Context, title string) error {
	m := tui.New(tui.Options{Source: w.store, Stats: w.stats, Title: title, Export: tuiExport(w.store), Keys: keyEditor{w}, Context: contextEditor{w}})
	p := tea.NewProgram(m, tea.WithContext(ctx))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		forwardCommits(done, w.notify, p.Send)
	}()
	_, err := p.Run()
	close(done)
	wg.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // a signal ended the TUI: the caller flushes and exits
	}
	return err
}

// waitHeadless blocks until ctx ends or the duration passes (0: forever).
func waitHeadless(ctx context.Context, d time.Duration) {
	if d <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// parsePrefixes parses --trust-forwarded values: CIDR prefixes or single
// addresses.
func parsePrefixes(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, usageError{fmt.Errorf("invalid --trust-forwarded %q: want an address or CIDR prefix such as 10.0.0.0/8", v)}
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// detectWorkers is half the cores, at least one: tier 1 costs microseconds,
// and the cores the detection stage does not hold stay free for the proxy
// when an attack flood makes every exchange suspicious.
func detectWorkers() int { return max(1, runtime.GOMAXPROCS(0)/2) }
