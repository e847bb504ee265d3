// Command spoor-abuse-eval scores the access-log corpus in
// ../shared/corpora/access-logs for bots and abuse: it groups every
// *.log.gz (Apache combined) by client address and user agent with 30-minute
// splits, as `spoor import` does, runs the abuse tracker, and prints the
// verdict counts per type with how many of those sessions have fewer than
// five requests, the busiest addresses with their verdicts and detector
// values, and the figures it is judged by: no abuse verdict on a session
// of fewer than five requests, the share of crawler sessions of five or
// more requests given a crawler's class (declared_crawler, scraping or
// security_crawler), and the share of browser sessions given an abuse
// verdict (with, for information, the share of browser addresses). It exits
// non-zero when a figure crosses its floor, so that CI keeps the scoring
// honest.
//
// Usage:
//
//	spoor-abuse-eval [-corpora DIR] [-top N] [-v]
//
// The corpora directory defaults to $SPOOR_CORPORA, else ../shared/corpora
// relative to the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spoorhq/spoor/internal/corpora"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "spoor-abuse-eval:", err)
		os.Exit(1)
	}
}

func run() error {
	corpora := flag.String("corpora", corpora.Dir(), "corpora directory (default $SPOOR_CORPORA or ../shared/corpora)")
	top := flag.Int("top", 10, "how many of the busiest addresses to list")
	verbose := flag.Bool("v", false, "list every browser session that drew a verdict")
	flag.Parse()
	files, err := filepath.Glob(filepath.Join(*corpora, "access-logs", "*.log.gz"))
	if err != nil {
		return fmt.Errorf("corpora: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("no access-logs/*.log.gz under %s (set SPOOR_CORPORA or -corpora)", *corpora)
	}
	rep, err := evaluate(context.Background(), files)
	if err != nil {
		return err
	}
	rep.print(os.Stdout, *top, *verbose)
	if failed := rep.floors(); len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintln(os.Stderr, "spoor-abuse-eval: below floor:", f)
		}
		os.Exit(1)
	}
	return nil
}
