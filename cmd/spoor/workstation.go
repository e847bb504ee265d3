package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui"
	"github.com/spoorhq/spoor/workstation"
)

// runTUI runs the interface over w until the user quits or ctx ends,
// forwarding commit notifications, which the model coalesces into at most
// 20 reloads a second so a busy API cannot flood the UI.
func runTUI(ctx context.Context, w *workstation.Workstation, title string) error {
	m := tui.New(tui.Options{Source: w.Reads(), Stats: tuiStats(w), Title: title, Export: tuiExport(w.Reads()), Report: tuiReport(w.Reads()), Keys: keyEditor{w}, Context: contextEditor{w}, Rules: rulesEditor{w}, Flows: configuredFlows(w.Store()), ExportDir: exportDir(), Endpoints: w})
	p := tea.NewProgram(m, tea.WithContext(ctx))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		forwardCommits(done, w.Commits(), p.Send)
	}()
	_, err := p.Run()
	close(done)
	wg.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // a signal ended the TUI: the caller flushes and exits
	}
	return err
}

// tuiStats reads the live counters for the TUI's status bar.
func tuiStats(w *workstation.Workstation) func() tui.Stats {
	return func() tui.Stats {
		s := w.Stats()
		dropped := s.Dropped
		if s.Publish != nil {
			dropped += s.Publish.Dropped // exchanges this node could not hand to NATS
		}
		return tui.Stats{Captured: s.Captured, Dropped: dropped, CRSPending: s.CRSPending, CRSOff: s.CRSOff}
	}
}

// keyEditor is the TUI's grouping-key editor backend: a preview replays
// the stored history with the new keys without writing; apply regroups it
// in the background and switches the live capture to the new keys between
// two commits.
type keyEditor struct{ w *workstation.Workstation }

func (k keyEditor) Keys() ([]string, bool, error) { return k.w.Keys() }

func (k keyEditor) Preview(keys []string, builtin bool) (tui.Preview, error) {
	p, err := k.w.PreviewRegroup(context.Background(), keys, builtin)
	return tui.Preview{Before: p.Before, After: p.After, Merged: p.Merged, Split: p.Split}, err
}

func (k keyEditor) Apply(ctx context.Context, keys []string, builtin bool, progress func(done, total int)) error {
	return k.w.SetKeys(ctx, keys, builtin, progress)
}

// Points names the request points of the newest stored exchanges, for the
// editor's completions.
func (k keyEditor) Points() ([]engine.SeenPoint, error) { return k.w.SeenPoints() }

// contextEditor is the TUI's context editor backend: a save switches the
// live analysis to the parameters between two commits.
type contextEditor struct{ w *workstation.Workstation }

func (c contextEditor) Context() ([]engine.ContextParam, bool, error) { return c.w.Context() }

func (c contextEditor) Save(params []engine.ContextParam, hashSecrets bool) error {
	return c.w.SetContext(params, hashSecrets)
}

// Points names the request points of the newest stored exchanges, for the
// editor's completions.
func (c contextEditor) Points() ([]engine.SeenPoint, error) { return c.w.SeenPoints() }

// summary prints the line a headless run ends with.
func summary(out io.Writer, w *workstation.Workstation, path string) {
	s := w.Stats()
	if !s.Detect {
		fmt.Fprintf(out, "spoor: captured %d exchanges, dropped %d, stored in %s; attack checks: off (--no-detect)\n",
			s.Captured, s.Dropped, path)
		return
	}
	fmt.Fprintf(out, "spoor: captured %d exchanges, dropped %d, stored in %s; attack checks: tier 1 %d, tier 2 %d (%d of them late), tier 2 pending %d, tier 2 off (queue full) %d\n",
		s.Captured, s.Dropped, path, s.Tier1, s.Tier2, s.Late, s.CRSPending, s.CRSOff)
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

// retentionHelp documents --retention for the commands that capture.
func retentionHelp() string {
	return fmt.Sprintf("delete captured traffic older than this, in the background (0: keep everything; default: the configuration's retention:, %s unless set)", engine.DefaultRetention)
}

// retentionFlag is --retention if the command line gives it, else nil: the
// configuration's retention then holds.
func retentionFlag(cmd *cobra.Command, value time.Duration) *time.Duration {
	if !cmd.Flags().Changed("retention") {
		return nil
	}
	return &value
}

// noDetectHelp is the help of --no-detect, which spoor proxy, spoor demo
// and spoor import share.
const noDetectHelp = "turn attack tagging off: no libinjection, no Core Rule Set, no attack tags; exchanges are still stored, grouped into sessions and judged for abuse"
