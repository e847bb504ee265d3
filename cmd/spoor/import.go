package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/workstation"
)

func newImportCommand(g *globalFlags) *cobra.Command {
	var (
		format, logFormat, configFile string
		noDetect, crsAll              bool
		mapping, specs                []string
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import HAR files, access logs or JSON lines into the store",
		Long: `import reads recorded traffic and runs it through the same analysis as the proxy: grouping into sessions, context parameters, flows and hashing of secrets.

It reads HAR 1.2, combined and common access logs, any nginx log_format (--log-format), and JSON lines (--map names their fields). Files may be gzip-compressed; - reads standard input. The format is detected unless --format names it. A line that does not parse is counted and reported, and the import goes on. A file that breaks off (a truncated gzip, a HAR cut short) keeps every record before the break, says how many, and exits 1. A file whose content was imported before is skipped; a file that starts with what an earlier import read (a repaired or grown log, the gzip of a plain one) adds only the rest.`,
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
			if noDetect && crsAll {
				return usageError{errors.New("--crs-all and --no-detect are exclusive: one checks every line with the Core Rule Set, the other tags nothing")}
			}
			format, err := importOptions(format, logFormat, mapping)
			if err != nil {
				return err
			}
			path, err := g.storePath()
			if err != nil {
				return err
			}
			opts := workstation.ImportOptions{Store: path, ConfigFile: configFile, Format: format, NoDetect: noDetect, CRSAll: crsAll, Specs: specs}
			if !noDetect {
				log, closeLog, err := g.logger()
				if err != nil {
					return err
				}
				defer closeLog()
				opts.Log = log
			}
			im, err := workstation.OpenImport(opts)
			if err != nil {
				return err
			}
			defer im.Close()
			return importFiles(cmd.Context(), im, args, cmd.InOrStdin(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&specs, "spec", nil, "an OpenAPI 3 or Swagger 2 file (YAML or JSON): each request's endpoint gets its status in it (repeatable; saved with the configuration)")
	f.StringVar(&format, "format", "", "input format: har, combined (also common) or jsonl (default: detected)")
	f.StringVar(&logFormat, "log-format", "", "nginx log_format string the lines were written with")
	f.StringSliceVar(&mapping, "map", nil, "JSON lines fields: time=FIELD,ip=FIELD,method=,path=,url=,query=,host=,status=,ua=,referer=,bytes=,duration=FIELD[:s|ms],header.NAME=FIELD")
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML) to group with; saved in the store")
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	f.BoolVar(&crsAll, "crs-all", false, "check every line with the Core Rule Set (about half a millisecond of CPU a line); by default it checks the lines tier 1 tagged or the prefilter flags, and tier 1 alone the clean rest")
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

// importFiles imports the files in order. A file that breaks off is
// reported and the next ones are imported all the same, as rotated logs
// often hold one truncated file among many; the command then fails with a
// last line that names the broken files. Any other error stops at once.
func importFiles(ctx context.Context, im *workstation.Importer, names []string, stdin io.Reader, stderr io.Writer) error {
	var broken []string
	for _, name := range names {
		err := importFile(ctx, im, name, stdin, stderr)
		var brk brokenImport
		if len(names) > 1 && errors.As(err, &brk) && ctx.Err() == nil {
			fmt.Fprintf(stderr, "spoor: %v\n", err)
			broken = append(broken, brk.name)
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("%d of %d files stopped before their end (%s); what came before each break is kept", len(broken), len(names), strings.Join(broken, ", "))
	}
	return nil
}

// brokenImport is a file that broke off: what it held before the break
// was imported.
type brokenImport struct {
	name, summary string
}

func (e brokenImport) Error() string { return "import " + e.name + ": " + e.summary }

// importFile imports one file, or standard input for "-", with a progress
// line on a terminal, and prints its summary.
func importFile(ctx context.Context, im *workstation.Importer, name string, stdin io.Reader, stderr io.Writer) error {
	src, err := workstation.OpenSource(name, stdin)
	if err != nil {
		return err
	}
	defer src.Close()
	if rec, done, err := im.Imported(src); err != nil {
		return err
	} else if done {
		fmt.Fprintf(stderr, "import %s: already imported, skipped (%d requests from %s on %s%s)\n", src.Name(), rec.Exchanges, rec.Name, rec.Imported.Local().Format("2006-01-02 15:04"), stoppedNote(rec.Stopped))
		return nil
	}
	var committed atomic.Int64
	stopProgress := startProgress(stderr, src.Name(), src.Size(), src.BytesRead, committed.Load)
	res, err := im.Import(ctx, src, func(n int) { committed.Add(int64(n)) })
	stopProgress()
	var brk *importer.BreakError
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("import %s: interrupted after %d requests, which are kept; importing the file again adds the rest", src.Name(), res.Committed)
	case errors.As(err, &brk):
		return brokenImport{name: src.Name(), summary: breakSummary(res, brk)}
	case err != nil:
		return fmt.Errorf("import %s: %w", src.Name(), err)
	}
	line := importSummary(src.Name(), res.Stats, res.Committed)
	if res.Resumed > 0 {
		line += resumeNote(res)
	}
	if res.Detect {
		line += attackSummary(res.Tagged, res.Tier2, res.Screened)
	}
	fmt.Fprintln(stderr, line)
	return nil
}

// attackSummary is what detection adds to an import's line: how many
// requests got tags, and how many the Core Rule Set checked, with how
// many screening left to tier 1 alone (--crs-all checks them too).
func attackSummary(tagged, tier2, screened uint64) string {
	var b strings.Builder
	if tagged > 0 {
		fmt.Fprintf(&b, ", %d with attack tags", tagged)
	}
	switch {
	case screened > 0:
		fmt.Fprintf(&b, " (Core Rule Set: %d of %d checked; --crs-all checks all)", tier2, tier2+screened)
	case tier2 > 0 && tagged > 0:
		fmt.Fprintf(&b, " (Core Rule Set: %d checked)", tier2)
	}
	return b.String()
}

// breakSummary says what an import that broke off kept: "kept N of T
// lines; stopped at line L: reason". T counts the records read, bad ones
// and the one cut by the break included, and N those stored.
func breakSummary(res workstation.ImportResult, brk *importer.BreakError) string {
	read := res.Stats.Exchanges + res.Stats.Bad
	if brk.Partial {
		read++
	}
	s := fmt.Sprintf("kept %d of %s; %s", res.Committed, res.Stats.Format.Records(read), brk)
	if res.Resumed > 0 {
		s += resumeNote(res)
	}
	return s
}

// resumeNote says which records an import skipped because an earlier one
// had read them.
func resumeNote(res workstation.ImportResult) string {
	return fmt.Sprintf(" (after the first %s, imported before from %s)", res.Stats.Format.Records(res.Resumed), res.From.Name)
}

// stoppedNote adds why an earlier import stopped to the line that skips
// the same file.
func stoppedNote(stopped string) string {
	if stopped == "" {
		return ""
	}
	return ", which " + stopped
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
