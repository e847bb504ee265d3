// Command search times the TUI's fuzzy search (tui/search.Find, what `/`
// runs) over the newest sessions of a store, as the sessions list holds
// them, and prints one machine-readable line per query and one in all:
//
//	SEARCH query=chrome sessions=100000 candidates=... runs=20 p50_ms=... p99_ms=... max_ms=... matches=...
//	SEARCH query=* ...
//
// The endpoints the TUI also searches are learnt only for the rows it has
// drawn, so none are passed here.
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
	var all []time.Duration
	for _, q := range queries {
		var ds []time.Duration
		matches := 0
		for range runs {
			t0 := time.Now()
			m := search.Find(q, list, nil)
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
	slices.Sort(ds)
	ms := func(p int) float64 {
		return float64(ds[min(len(ds)*p/100, len(ds)-1)]) / float64(time.Millisecond)
	}
	fmt.Printf("SEARCH query=%s sessions=%d runs=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f matches=%d\n",
		strings.ReplaceAll(q, " ", "+"), sessions, runs, ms(50), ms(99), ms(100), matches)
}
