package workstation

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/engine/spec"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/relay"
	"github.com/spoorhq/spoor/store"
)

// Options configure a workstation. cmd/spoor builds them from its flags.
type Options struct {
	// Store is the path of the store file.
	Store string
	// Upstream is the URL the capture proxy forwards to; empty starts no
	// proxy (the pipeline and the detection stage still run).
	Upstream string
	// Listen is the proxy's address.
	Listen string
	// TrustForwarded are the peers whose X-Forwarded-For names the client.
	TrustForwarded []netip.Prefix
	// ProxyLimits, TLSCert, TLSKey and UpstreamTLS are passed to the
	// proxy as capture.Options has them.
	// Limits left at zero take the --config file's proxy block, then the
	// proxy's defaults: flags override the file.
	ProxyLimits     capture.Limits
	TLSCert, TLSKey string
	UpstreamTLS     *tls.Config
	// Forward, when set, runs a forward proxy instead of a reverse one
	// (Upstream is then empty); its InScope is the configuration's host
	// scope.
	Forward *capture.ForwardOptions
	// IncludeHosts are added to the configuration's scope.include_hosts
	// for this capture (--include-host), and saved with it like the rest
	// of the configuration a capture runs with.
	IncludeHosts []string
	// CaptureLimit is how many bytes of each body an exchange keeps; zero
	// takes the --config file's proxy.capture_body_bytes, then
	// capture.DefaultCaptureLimit.
	CaptureLimit int
	// ConfigFile is an analysis configuration to run with and save;
	// FallbackConfig is used when neither it nor the store has one (the
	// demo's embedded configuration).
	ConfigFile     string
	FallbackConfig []byte
	// Retention is how long captured traffic is kept, zero forever; nil
	// leaves it to the analysis configuration's retention.
	Retention *time.Duration
	// NoDetect stores, groups and judges exchanges without attack tags:
	// neither detection tier runs.
	NoDetect bool
	// Specs are API specification files (--spec) added to the
	// configuration's spec list and saved with it.
	Specs []string
	// Publish, when set, also publishes every captured exchange to NATS
	// JetStream (spoor proxy --publish with a local store): the proxy
	// offers each exchange to the publisher and to the local queue.
	Publish *relay.PublishOptions
	// Collect, when set, consumes the exchanges capture nodes publish to
	// NATS JetStream into this workstation (spoor collect, --subscribe).
	Collect *relay.CollectOptions
	// RulesFile, when set, is a rules file (rules.ParseYAML) imported at
	// start and again within a second of each change.
	RulesFile string
	// BlockLocal lets rules block loopback clients and the TrustForwarded
	// peers themselves, which are exempt by default so that a rule never
	// locks out the machine spoor runs on or its load balancer. A forward
	// proxy (Forward set) exempts no one: its clients are the users
	// captured.
	BlockLocal bool
	// Log receives the life cycle's events; nil discards them.
	Log *slog.Logger
}

// Workstation is a running capture: the store, the analysis pipeline with
// its detection stage, the catch-up queue's worker, retention and the
// proxy. The demo adds its API and actors around one.
type Workstation struct {
	store    *store.Store
	queue    *ingest.Queue
	proxy    *capture.Proxy
	listener net.Listener
	log      *slog.Logger
	pipeline *ingest.Pipeline
	maint    *maintenance
	attacks  *attackDetector // nil with NoDetect
	// specs are the loaded API specifications (nil without), and inv the
	// endpoint inventory the analysis counts into and each commit saves.
	specs *spec.Set
	inv   *inventory.Inventory
	// publisher and collector are the NATS ends, nil unless asked for.
	publisher *relay.Publisher
	collector *relay.Collector
	gate      *ruleGate
	notify    chan struct{} // a commit happened; holds at most one signal
	// configMu serialises configuration changes (a regroup, a context
	// save), each of which reads the saved configuration, changes one
	// part and switches the capture: one must not undo the other.
	configMu sync.Mutex
	// rulesMu serialises rule changes from a write to the gate's swap.
	rulesMu sync.Mutex
	// scope is the configuration's scope, which a forward proxy asks
	// before it intercepts a host. It is set before the proxy serves.
	scope engine.ScopeConfig
	// undo is what Open did, for Close to undo in reverse.
	undo      cleanup
	closeOnce sync.Once
	closeErr  error
}

// Open opens the store, builds the analysis and the detector, and starts
// the pipeline, the catch-up queue, retention and the proxy. Every failure
// is reported before anything is served, and whatever step failed, what
// the earlier ones started is undone: a bad flag never leaves a
// half-started proxy behind.
func Open(opts Options) (*Workstation, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.ConfigFile != "" {
		// A bad file is reported before anything is opened or served.
		cfg, err := ReadConfigFile(opts.ConfigFile)
		if err != nil {
			return nil, err
		}
		opts.ProxyLimits, opts.CaptureLimit = withFileLimits(opts.ProxyLimits, opts.CaptureLimit, cfg.Proxy)
	}
	w := &Workstation{queue: ingest.NewQueue(ingest.DefaultQueueSize), log: opts.Log, notify: make(chan struct{}, 1)}
	if err := w.open(opts); err != nil {
		w.undo.run()
		return nil, err
	}
	if w.listener != nil {
		opts.Log.Info("capture started", "listen", w.Addr(), "upstream", opts.Upstream, "store", opts.Store)
	}
	return w, nil
}

// open runs Open's steps, each pushing its undo once it succeeded.
func (w *Workstation) open(opts Options) error {
	// A forward proxy's clients are the machine's own users, on loopback
	// more often than not: exempting loopback would exempt everyone.
	w.gate = newRuleGate(opts.TrustForwarded, opts.BlockLocal || opts.Forward != nil)
	if opts.Forward != nil {
		fwd := *opts.Forward
		fwd.InScope = func(host string) bool { return w.scope.HostInScope(host) }
		opts.Forward = &fwd
	}
	if opts.Upstream != "" || opts.Forward != nil {
		var sink capture.Sink = w.queue
		if opts.Publish != nil {
			p, err := relay.Publish(*opts.Publish)
			if err != nil {
				return err
			}
			w.publisher = p
			// Pushed before the proxy's undo, so it runs after the proxy
			// has finished its requests.
			w.undo.push(func() error { return p.Close(publisherDrain) })
			sink = tee{p, w.queue}
			if opts.Collect != nil {
				// This workstation also collects the stream: its own
				// exchanges come back through it, with their node, and a
				// local copy besides would store each twice.
				sink = p
			}
		}
		var err error
		w.proxy, err = capture.New(capture.Options{
			Forward:        opts.Forward,
			Gate:           w.gate.judge,
			Upstream:       opts.Upstream,
			Listen:         opts.Listen,
			TrustForwarded: opts.TrustForwarded,
			Limits:         opts.ProxyLimits,
			CaptureLimit:   opts.CaptureLimit,
			TLSCert:        opts.TLSCert,
			TLSKey:         opts.TLSKey,
			UpstreamTLS:    opts.UpstreamTLS,
			Sink:           sink,
			Logger:         opts.Log,
		})
		if err != nil {
			return err
		}
	}
	st, err := store.Open(opts.Store, store.Options{})
	if err != nil {
		return err
	}
	w.store = st
	w.undo.push(st.Close)
	if w.proxy != nil {
		if w.listener, err = w.proxy.Listen(); err != nil {
			return err
		}
		w.undo.push(func() error {
			// Close after Shutdown finds it closed: that is no failure.
			if err := w.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				return err
			}
			return nil
		})
	}
	if !opts.NoDetect {
		if w.attacks, err = newAttackDetector(opts.Log, captureDetection()); err != nil {
			return err
		}
		w.attacks.mute = w.gate.mute
		w.gate.detector = w.attacks.detector
	}
	cfg, _, err := EffectiveConfig(opts.ConfigFile, st, opts.FallbackConfig)
	if err != nil {
		return err
	}
	if cfg, err = WithSpecFiles(cfg, opts.Specs); err != nil {
		return err
	}
	if w.specs, err = LoadSpecs(cfg); err != nil {
		return err
	}
	if len(opts.IncludeHosts) > 0 {
		for _, h := range opts.IncludeHosts {
			// The saved configuration has the hosts of an earlier run.
			if !slices.Contains(cfg.Scope.IncludeHosts, h) {
				cfg.Scope.IncludeHosts = append(cfg.Scope.IncludeHosts, h)
			}
		}
		if err := cfg.Validate(); err != nil {
			return fmt.Errorf("--include-host: %w", err)
		}
	}
	w.scope = cfg.Scope
	if err := w.startRules(cfg, opts.RulesFile); err != nil {
		return err
	}
	if err := saveConfig(st, cfg); err != nil {
		return err
	}
	if w.inv, err = openInventory(st, w.specs); err != nil {
		return err
	}
	st.TrackInventory(w.inv)
	analyzer, err := continueSessions(st, cfg, w.specs)
	if err != nil {
		return err
	}
	analyzer.Use(&inventoryFeed{inv: w.inv, on: true})
	keep := cfg.Retention
	if opts.Retention != nil {
		keep = *opts.Retention
	}
	w.maint = startMaintenance(st, keep, opts.Log)
	w.undo.push(func() error { w.maint.stop(); return nil })
	w.startPipeline(analyzer)
	if opts.Collect != nil {
		c, err := relay.Collect(*opts.Collect, w.queue, st)
		if err != nil {
			return err
		}
		w.collector = c
		// Stopped before the queue closes: nothing is offered to a
		// closed queue, and what it holds is still committed.
		w.undo.push(func() error { c.Close(); return nil })
	}
	if w.proxy != nil {
		serveDone := make(chan error, 1)
		go func() { serveDone <- w.proxy.Serve(w.listener) }()
		w.undo.push(func() error { return w.stopProxy(serveDone) })
	}
	// Last, so that Close stops it first: what the catch-up queue holds
	// stays in the store, and the proxy's final exchanges still reach it.
	w.startCatchUp()
	return nil
}

// startPipeline starts the detection stage and the analysis pipeline on
// the queue; its undo closes the queue and waits until every accepted
// exchange is committed.
func (w *Workstation) startPipeline(analyzer *engine.Analyzer) {
	w.pipeline = ingest.NewPipeline(analyzer, w.store, ingest.Options{OnCommit: func(n int) {
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
	done := make(chan error, 1)
	go func() { done <- w.pipeline.Run(detected) }()
	w.undo.push(func() error {
		w.queue.Close()
		return <-done
	})
}

// stopProxy shuts the proxy down, finishing requests in flight.
func (w *Workstation) stopProxy(serveDone <-chan error) error {
	return stopProxy(w.proxy, serveDone)
}

// stopProxy shuts proxy down, finishing requests in flight, and reports
// how its Serve ended.
func stopProxy(proxy *capture.Proxy, serveDone <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	if err := proxy.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop proxy: %w", err))
	}
	if err := <-serveDone; err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, fmt.Errorf("proxy: %w", err))
	}
	return errors.Join(errs...)
}

// Close undoes what Open did, in reverse: the catch-up queue stops (what
// it holds stays in the store for the next run), the proxy finishes the
// requests in flight, the queue is drained into the store, retention and
// any regroup stop, and the store is closed, so every accepted exchange
// is kept. A second Close returns the first one's result.
func (w *Workstation) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.undo.run() })
	return w.closeErr
}

// Addr is the proxy's listening address, empty without a proxy.
func (w *Workstation) Addr() string {
	if w.listener == nil {
		return ""
	}
	return w.listener.Addr().String()
}

// Store is the workstation's store, for the TUI's SessionSource and the
// exporters. It is closed by Close.
func (w *Workstation) Store() *store.Store { return w.store }

// Commits signals after commits: it holds at most one pending signal, so
// a slow reader sees several commits as one and never holds the committer.
func (w *Workstation) Commits() <-chan struct{} { return w.notify }

// Stats are a running capture's counters.
type Stats struct {
	// Captured and Dropped count the exchanges the queue accepted and
	// dropped when full.
	Captured, Dropped uint64
	// CRSPending is the catch-up queue's length; CRSOff counts exchanges
	// tier 2 never checks because the queue was full.
	CRSPending int
	CRSOff     uint64
	// Detect is false with NoDetect; then the tier counts are zero.
	Detect bool
	// Tier1, Tier2 and Late count the exchanges each tier checked, Late
	// those tier 2 checked from the catch-up queue.
	Tier1, Tier2, Late uint64
	// Publish and Collect are the NATS ends' counters, nil without them.
	Publish *relay.PublisherStats
	Collect *relay.CollectorStats
}

// Stats reads the live counters.
func (w *Workstation) Stats() Stats {
	s := Stats{Captured: w.queue.Accepted(), Dropped: w.queue.Dropped(), CRSPending: w.store.PendingCRS(), CRSOff: w.store.CRSOverflow()}
	if w.attacks != nil {
		d := w.attacks.Stats()
		s.Detect, s.Tier1, s.Tier2, s.Late = true, d.Tier1, d.Tier2, d.Late
	}
	if w.publisher != nil {
		p := w.publisher.Stats()
		s.Publish = &p
	}
	if w.collector != nil {
		c := w.collector.Stats()
		s.Collect = &c
	}
	return s
}

// detectWorkers is half the cores, at least one: tier 1 costs microseconds,
// and the cores the detection stage does not hold stay free for the proxy
// when an attack flood makes every exchange suspicious.
func detectWorkers() int { return max(1, runtime.GOMAXPROCS(0)/2) }
