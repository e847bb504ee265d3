// Command search times the TUI's fuzzy search (tui/search, what `/` runs)
// over the newest sessions of a store, as the sessions list holds them. The
// TUI indexes a loaded list once, on the first query over it, and every
// further query over that list only scores; so it times both, and prints
// machine-readable lines: one for the index, one per query and one for all
// queries:
//
//	INDEX sessions=100000 texts=... places=... runs=20 p50_ms=... p99_ms=... max_ms=...
//	SEARCH query=chrome sessions=100000 runs=20 p50_ms=... p99_ms=... max_ms=... matches=...
//	SEARCH query=* ...
//
// A SEARCH time is a query over a built index; the first query after the
// list loads takes the INDEX time on top. The endpoints the TUI also
// searches are learnt only for the rows it has drawn, so none are passed
// here.
//
//	go run ./bench/search -db store.db -sessions 100000 -runs 20
//
// It belongs to bench/ and is no part of spoor.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/tui/search"
)

func main() {
	db := flag.String("db", "", "store to read the sessions from")
	n := flag.Int("sessions", 100_000, "how many of the newest sessions to search")
	runs := flag.Int("runs", 20, "times each query is run")
	queries := flag.String("queries", "chrome,bot,66.249,mozilla windows,zzqx", "comma-separated queries")
	flag.Parse()
	if err := run(*db, *n, *runs, strings.Split(*queries, ",")); err != nil {
		fmt.Fprintf(os.Stderr, "search: %v\n", err)
		os.Exit(1)
	}
}

func run(db string, n, runs int, queries []string) error {
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Sessions(n)
	if err != nil {
		return err
	}
	if len(list) < n {
		fmt.Fprintf(os.Stderr, "search: the store holds %d sessions, fewer than %d\n", len(list), n)
	}
	// The index: a fresh one per run, built by a query that matches
	// nothing, so that what is timed is the building.
	var builds []time.Duration
	var x *search.Index
	for range runs {
		x = search.NewIndex(list)
		t0 := time.Now()
		x.Find("\x00", nil)
		builds = append(builds, time.Since(t0))
	}
	texts, places := x.Size()
	p50, p99, most := percentiles(builds)
	fmt.Printf("INDEX sessions=%d texts=%d places=%d runs=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		len(list), texts, places, runs, p50, p99, most)

	var all []time.Duration
	for _, q := range queries {
		var ds []time.Duration
		matches := 0
		for range runs {
			t0 := time.Now()
			m := x.Find(q, nil)
			ds = append(ds, time.Since(t0))
			matches = len(m)
		}
		all = append(all, ds...)
		report(q, len(list), runs, matches, ds)
	}
	report("*", len(list), runs*len(queries), -1, all)
	return nil
}

func report(q string, sessions, runs, matches int, ds []time.Duration) {
	p50, p99, most := percentiles(ds)
	fmt.Printf("SEARCH query=%s sessions=%d runs=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f matches=%d\n",
		strings.ReplaceAll(q, " ", "+"), sessions, runs, p50, p99, most, matches)
}

// percentiles returns the p50, p99 and largest of ds in milliseconds.
func percentiles(ds []time.Duration) (p50, p99, most float64) {
	slices.Sort(ds)
	ms := func(p int) float64 {
		return float64(ds[min(len(ds)*p/100, len(ds)-1)]) / float64(time.Millisecond)
	}
	return ms(50), ms(99), ms(100)
}
