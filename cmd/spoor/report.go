package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/report"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui"
	"github.com/spoorhq/spoor/workstation"
)

func newReportCommand(g *globalFlags) *cobra.Command {
	var (
		ids                []string
		expr, format, path string
	)
	cmd := &cobra.Command{
		Use:   "report --session ID [--session ID ...] [--filter EXPR] [--format html|md] [-o FILE]",
		Short: "Write a readable account of sessions: one self-contained HTML file, or Markdown for a ticket",
		Long: `report writes an account of the sessions named by --session and those --filter matches:
the session header (actor, user, key and why it grouped, addresses, user agents, span),
the verdicts with their evidence, a timeline, every request with its status, duration,
flows and attack tags, per-endpoint statistics and the configuration in force.

  html  one file with inline styles and no script, that loads nothing: it opens offline
        in any browser and prints; each request opens to its headers and bodies
  md    the same account, the request sequence collapsed around the attacks, for a ticket

The format is --format, else the extension of -o (.md is Markdown), else html. Without -o
the report goes to standard output. Credentials and hashed context values are shown as
stored: as keyed hashes.`,
		Example: `  spoor report --session 3fa2c1d4e5f6-1 -o incident.html
  spoor report --filter 'attack:xss since:1h' --format md`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(ids) == 0 && expr == "" {
				return usageError{errors.New("--session or --filter is required (ids are listed by spoor sessions)")}
			}
			f := report.FormatOf(path)
			if format != "" {
				var err error
				if f, err = report.ParseFormat(format); err != nil {
					return usageError{fmt.Errorf("invalid --format %q: want html or md", format)}
				}
			}
			if expr != "" {
				if _, err := parseFilter(expr); err != nil {
					return err
				}
			}
			st, err := openReads(g)
			if err != nil {
				return err
			}
			defer st.Close()
			data, err := renderReport(cmd.Context(), st, ids, expr, f, time.Now())
			if err != nil {
				return err
			}
			if path == "" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&ids, "session", nil, "session id; repeat for several (ids are listed by spoor sessions)")
	fl.StringVar(&expr, "filter", "", "also report every session this filter matches (the filter language of spoor sessions)")
	fl.StringVar(&format, "format", "", "html or md (default: from the -o extension, else html)")
	fl.StringVarP(&path, "output", "o", "", "write the report to this file (mode 0600) instead of standard output")
	return cmd
}

// renderReport renders the sessions ids names, then those expr matches
// (newest first, each once), with the configuration saved in st: spoor
// report and the TUI's r share it.
func renderReport(ctx context.Context, st *query.Muting, ids []string, expr string, f report.Format, now time.Time) ([]byte, error) {
	for _, id := range ids {
		if _, err := st.Session(id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("no session %s in %s (ids are listed by spoor sessions)", id, st.Path())
			}
			return nil, err
		}
	}
	if expr != "" {
		flt, err := checkFilter(st.Store, expr)
		if err != nil {
			return nil, err
		}
		matched, _, err := query.CollectSessions(ctx, st, query.Options{Filter: flt})
		if err != nil {
			return nil, err
		}
		if len(matched) == 0 && len(ids) == 0 {
			return nil, fmt.Errorf("no session matches the filter %q", expr)
		}
		for _, s := range matched {
			if !slices.Contains(ids, s.ID) {
				ids = append(ids, s.ID)
			}
		}
	}
	cfg, source, err := workstation.EffectiveConfig("", st.Store, nil)
	if err != nil {
		return nil, err
	}
	from := map[workstation.ConfigSource]string{
		workstation.ConfigFromStore:   "the configuration saved in the store",
		workstation.ConfigFromDefault: "the built-in defaults",
	}[source]
	var buf bytes.Buffer
	opts := report.Options{Format: f, Version: version(), Now: now, Config: cfg, ConfigSource: from, Filter: expr}
	if err := report.Write(&buf, st, ids, opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tuiReport lets the interface's r render what spoor report renders, into
// memory for the TUI to write.
func tuiReport(st *query.Muting) tui.ReportFunc {
	return func(ids []string, filter, format string) ([]byte, error) {
		f, err := report.ParseFormat(format)
		if err != nil {
			return nil, err
		}
		return renderReport(context.Background(), st, ids, filter, f, time.Now())
	}
}

// version names the spoor that runs: the module version of a released
// build, else the commit it was built from (with -dirty for uncommitted
// changes), else "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel " + rev
}
