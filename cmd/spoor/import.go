package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

func newImportCommand(g *globalFlags) *cobra.Command {
	var (
		format, logFormat, configFile string
		noDetect                      bool
		mapping                       []string
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import HAR files, access logs or JSON lines into the store",
		Long: `import reads recorded traffic and runs it through the same analysis as the proxy: grouping into sessions, context parameters, flows and hashing of secrets.

It reads HAR 1.2, combined and common access logs, any nginx log_format (--log-format), and JSON lines (--map names their fields). Files may be gzip-compressed; - reads standard input. The format is detected unless --format names it. A line that does not parse is counted and reported, and the import goes on. A file whose content was imported before is skipped.`,
		Example: `  spoor import access.log.1 access.log.2.gz
  spoor import capture.har
  spoor import --log-format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time' nginx.log
  kubectl logs api | spoor import --map time=ts,ip=client,method=verb,path=uri,status=code,ua=agent -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("import needs at least one FILE (or - for standard input)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := importOptions(format, logFormat, mapping)
			if err != nil {
				return err
			}
			path, err := g.storePath()
			if err != nil {
				return err
			}
			st, err := store.Open(path, store.Options{})
			if err != nil {
				return err
			}
			defer st.Close()
			analyzer, err := importAnalyzer(st, configFile)
			if err != nil {
				return err
			}
			imp := &fileImporter{store: st, analyzer: analyzer, opts: opts, stderr: cmd.ErrOrStderr(), stdin: cmd.InOrStdin()}
			if !noDetect {
				log, closeLog, err := g.logger()
				if err != nil {
					return err
				}
				defer closeLog()
				if imp.attacks, err = newAttackDetector(log, importDetection()); err != nil {
					return err
				}
			}
			for _, name := range args {
				if err := imp.importFile(cmd.Context(), name); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "", "input format: har, combined (also common) or jsonl (default: detected)")
	f.StringVar(&logFormat, "log-format", "", "nginx log_format string the lines were written with")
	f.StringSliceVar(&mapping, "map", nil, "JSON lines fields: time=FIELD,ip=FIELD,method=,path=,url=,query=,host=,status=,ua=,referer=,bytes=,duration=FIELD[:s|ms],header.NAME=FIELD")
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML) to group with; saved in the store")
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	return cmd
}

// importOptions turns the flags into importer options; mistakes in them
// are usage errors.
func importOptions(format, logFormat string, mapping []string) (importer.Options, error) {
	var opts importer.Options
	var err error
	if opts.Format, err = importer.ParseFormat(format); err != nil {
		return opts, usageError{err}
	}
	if logFormat != "" {
		if opts.Format != importer.FormatAuto {
			return opts, usageError{errors.New("--log-format and --format are exclusive: a log format says how lines are read")}
		}
		if opts.LogFormat, err = importer.ParseLogFormat(logFormat); err != nil {
			return opts, usageError{fmt.Errorf("--log-format: %w", err)}
		}
	}
	if len(mapping) > 0 {
		if opts.Mapping, err = importer.ParseMapping(strings.Join(mapping, ",")); err != nil {
			return opts, usageError{fmt.Errorf("--map: %w", err)}
		}
		if opts.Format == importer.FormatAuto && opts.LogFormat == nil {
			opts.Format = importer.FormatJSONLines // a mapping only means something for JSON lines
		}
	}
	return opts, nil
}

// importAnalyzer builds the analysis the proxy runs on this store (MCP,
// GraphQL and abuse observers included), and continues the sessions
// already in it, so that an import after a capture
// (or a second log file) extends actors' sessions instead of restarting
// them.
func importAnalyzer(st *store.Store, configFile string) (*engine.Analyzer, error) {
	cfg, _, err := effectiveConfig(configFile, st, nil)
	if err != nil {
		return nil, err
	}
	if configFile != "" {
		if err := saveConfig(st, cfg); err != nil {
			return nil, err
		}
	}
	analyzer, err := newAnalyzer(cfg, st.Secret())
	if err != nil {
		return nil, err
	}
	previous, err := st.Sessions(0)
	if err != nil {
		return nil, err
	}
	for _, s := range previous {
		analyzer.Sessionizer().Restore(s)
	}
	return analyzer, nil
}

// fileImporter imports files one after another into one store with one
// analyzer, so that sessions continue from one file to the next.
type fileImporter struct {
	store    *store.Store
	analyzer *engine.Analyzer
	// attacks tags the exchanges, as a capture does; nil with --no-detect.
	attacks *attackDetector
	opts    importer.Options
	stderr  io.Writer
	stdin   io.Reader
}

// importFile imports one file, or standard input for "-", unless a file
// with the same content was imported before.
func (fi *fileImporter) importFile(ctx context.Context, name string) error {
	src, err := openImportSource(name, fi.stdin)
	if err != nil {
		return err
	}
	defer src.close()
	if rec, done, err := fi.store.Imported(src.hash); err != nil {
		return err
	} else if done {
		fmt.Fprintf(fi.stderr, "import %s: already imported, skipped (%d requests from %s on %s)\n", src.name, rec.Exchanges, rec.Name, rec.Imported.Local().Format("2006-01-02 15:04"))
		return nil
	}
	var committed atomic.Int64
	var tier2, tagged uint64
	if fi.attacks != nil {
		tier2, tagged = fi.attacks.Stats().Tier2, fi.attacks.tagged.Load()
	}
	stopProgress := startProgress(fi.stderr, src.name, src.size, src.read.Load, committed.Load)
	stats, err := fi.run(ctx, src, &committed)
	stopProgress()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("import %s: interrupted after %d requests, which are kept; the file is not marked imported", src.name, committed.Load())
		}
		return fmt.Errorf("import %s: %w", src.name, err)
	}
	if stats.Exchanges == 0 && stats.Bad > 0 {
		return fmt.Errorf("import %s: no line could be imported (first: %s)", src.name, stats.FirstBad)
	}
	err = fi.store.RecordImport(store.ImportRecord{
		Hash: src.hash, Name: src.name, Format: string(stats.Format),
		Exchanges: stats.Exchanges, BadLines: stats.Bad, Imported: time.Now(),
	})
	if err != nil {
		return err
	}
	line := importSummary(src.name, stats, int(committed.Load()))
	if fi.attacks != nil {
		line += attackSummary(fi.attacks.tagged.Load()-tagged, fi.attacks.Stats().Tier2-tier2)
	}
	fmt.Fprintln(fi.stderr, line)
	return nil
}

// importBatch is the number of exchanges an import commits at once: larger
// batches wrote no fewer pages per exchange in a 300,000-line import and
// held more memory.
const importBatch = 10000

// run feeds the file through the analysis pipeline. The channel is ours, so
// a send may block: an import waits for the store rather than dropping, as
// the proxy must. The pipeline commits what it holds when the channel is
// closed, on success and on failure alike.
func (fi *fileImporter) run(ctx context.Context, src *importSource, committed *atomic.Int64) (importer.Stats, error) {
	ch := make(chan *engine.Exchange, 1024)
	// Nobody watches an import's commits live, so a batch may wait a
	// second to fill: with the capture's 100 ms bound, analysis filled a
	// third of each batch in time, and every commit rewrites the pages its
	// sessions' random ids land on. A slow stream on stdin still commits
	// every second.
	opts := ingest.Options{MaxBatch: importBatch, MaxDelay: time.Second, OnCommit: func(n int) { committed.Add(int64(n)) }}
	pipeline := ingest.NewPipeline(fi.analyzer, fi.store, opts)
	// Detection runs between the reader and the analysis, on its own
	// workers, as in a capture; without a queue before it, the reader
	// waits for it.
	var analysed <-chan *engine.Exchange = ch
	if fi.attacks != nil {
		// Every core: an import has no proxy to leave a core to, and
		// both tiers examine every exchange.
		analysed = ingest.DetectStage(ch, fi.attacks, runtime.GOMAXPROCS(0), nil)
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
	stats, err := importer.Import(ctx, src, fi.opts, func(x *engine.Exchange) error {
		select {
		case ch <- x:
			return nil
		case <-ran:
			return errors.New("the store stopped accepting exchanges")
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(ch)
	<-stopped
	if pipelineErr != nil {
		return stats, pipelineErr
	}
	return stats, err
}

// attackSummary is what detection adds to an import's line: nothing when
// neither tier found anything. An import has no latency to protect, so
// both tiers examine every exchange.
func attackSummary(tagged, tier2 uint64) string {
	var b strings.Builder
	if tagged > 0 {
		fmt.Fprintf(&b, ", %d with attack tags", tagged)
		if tier2 > 0 {
			fmt.Fprintf(&b, " (Core Rule Set: %d checked)", tier2)
		}
	}
	return b.String()
}

// importSummary is the line printed for each imported file.
func importSummary(name string, st importer.Stats, committed int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "import %s: %d %s", name, st.Exchanges, plural(st.Exchanges, "request", "requests"))
	if skipped := st.Exchanges - committed; skipped > 0 {
		fmt.Fprintf(&b, " (%d outside the configured scope, not kept)", skipped)
	}
	if st.Bad > 0 {
		fmt.Fprintf(&b, ", %d bad %s (first: %s)", st.Bad, plural(st.Bad, "line", "lines"), st.FirstBad)
	}
	if st.Reordered > 0 {
		fmt.Fprintf(&b, ", %d out of time order", st.Reordered)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importSource is an input file, hashed before it is read for import so
// that a file imported before is recognised without writing anything.
type importSource struct {
	name string
	file *os.File
	size int64
	hash string
	read atomic.Int64 // bytes read so far, for the progress bar
	temp bool         // the file is a spooled copy of standard input
	once sync.Once
}

// openImportSource opens a file, or spools standard input to a temporary
// file: its hash must be known before the import starts, and a pipe can be
// read only once.
func openImportSource(name string, stdin io.Reader) (*importSource, error) {
	src := &importSource{name: name}
	h := sha256.New()
	if name == "-" {
		src.name = "stdin"
		f, err := os.CreateTemp("", "spoor-import-*")
		if err != nil {
			return nil, fmt.Errorf("import stdin: spool to a temporary file: %w", err)
		}
		src.file, src.temp = f, true
		if _, err := io.Copy(io.MultiWriter(f, h), stdin); err != nil {
			src.close()
			return nil, fmt.Errorf("import stdin: %w", err)
		}
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, unwrapPath(err))
		}
		src.file = f
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			src.close()
			return nil, fmt.Errorf("import %s: is a directory", name)
		}
		if _, err := io.Copy(h, f); err != nil {
			src.close()
			return nil, fmt.Errorf("import %s: %w", name, unwrapPath(err))
		}
	}
	size, err := src.file.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = src.file.Seek(0, io.SeekStart)
	}
	if err != nil {
		src.close()
		return nil, fmt.Errorf("import %s: %w", src.name, err)
	}
	src.size = size
	src.hash = hex.EncodeToString(h.Sum(nil))
	return src, nil
}

func (s *importSource) Read(p []byte) (int, error) {
	n, err := s.file.Read(p)
	s.read.Add(int64(n))
	return n, err
}

func (s *importSource) close() {
	s.once.Do(func() {
		s.file.Close()
		if s.temp {
			os.Remove(s.file.Name())
		}
	})
}

// unwrapPath drops the *os.PathError wrapper, whose message would repeat
// the file name the caller already gives.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
