// Command spoor-eval measures spoor's attack tagging against the public
// corpora in ../shared/corpora: recall per attack family on the OWASP CRS
// regression stages, recall on libinjection's SQLi and XSS lists, and
// false positives on libinjection's benign strings and on a real access
// log. It prints one table and exits non-zero when a figure falls below
// its floor, so that CI keeps detection honest.
//
// It also measures a robustness set, corpus payloads and hand-written
// shapes of public wordlists mutated as wordlists spell attacks
// (robust.go, mutate.go), and false positives on hand-written tricky
// benign values (testdata/tricky_benign.txt). `spoor detectors` lists
// the detectors measured and the attack type each reports.
//
// Usage:
//
//	spoor-eval [-corpora DIR] [-workers N] [-pl4=false] [-v] [-misses TEXT [-tier1]]
//
// The corpora directory defaults to $SPOOR_CORPORA, else ../shared/corpora
// relative to the repository root.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/spoorhq/spoor/internal/corpora"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "spoor-eval:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg config
	flag.StringVar(&cfg.corpora, "corpora", corpora.Dir(), "corpora directory (default $SPOOR_CORPORA or ../shared/corpora)")
	flag.IntVar(&cfg.workers, "workers", 2, "analysis workers running tier 2 concurrently")
	flag.BoolVar(&cfg.pl4, "pl4", true, "also run the CRS stages at paranoia level 4")
	flag.BoolVar(&cfg.verbose, "v", false, "list the benign requests that were tagged")
	flag.StringVar(&cfg.misses, "misses", "", "list the missed PL1 stages of families whose name contains this text (robust-<family> for the robustness set)")
	flag.BoolVar(&cfg.tier1Misses, "tier1", false, "with -misses, list what tier 1 alone missed")
	flag.BoolVar(&cfg.screenedMisses, "screened", false, "with -misses, list what tier 1 with tier 2 screened (an import's default) missed")
	flag.Parse()
	if cfg.workers < 1 {
		return fmt.Errorf("-workers %d: need at least 1", cfg.workers)
	}
	if _, err := os.Stat(cfg.corpora); err != nil {
		return fmt.Errorf("corpora: %w (set SPOOR_CORPORA or -corpora)", err)
	}
	start := time.Now()
	rep, err := evaluate(cfg)
	if err != nil {
		return err
	}
	rep.elapsed = time.Since(start)
	rep.print(os.Stdout, cfg.verbose)
	if failed := rep.floors(); len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintln(os.Stderr, "spoor-eval: below floor:", f)
		}
		os.Exit(1)
	}
	return nil
}

// config is the command line.
type config struct {
	corpora string
	workers int
	pl4     bool
	verbose bool
	misses  string
	// tier1Misses lists tier 1's misses rather than both tiers'.
	tier1Misses bool
	// screenedMisses lists the misses of both tiers as an import screens
	// them.
	screenedMisses bool
}
