package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spoorhq/spoor/internal/corpora"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// check is one corpus-wide check: the corpus paths it reads, relative to
// the corpora directory, and the function that runs it.
type check struct {
	name  string
	needs []string
	run   func(dir string, r *report) error
}

// allChecks lists the checks in the order they run.
func allChecks() []check {
	return []check{
		{name: "har", needs: []string{harPath}, run: checkHAR},
		{name: "access-log", needs: []string{accessLogPath}, run: checkAccessLog},
		{name: "graphql", needs: gqlNeeds(), run: checkGraphQL},
		{name: "mcp", needs: []string{mcpConformancePath}, run: checkMCP},
	}
}

// report collects a check's problems and the one-line summary of what it
// covered.
type report struct {
	problems []string
	summary  string
}

func (r *report) errorf(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spoor-corpus-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("corpora", corpora.Dir(), "corpora directory (default $"+corpora.EnvVar+" or ../shared/corpora beside the repository)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "spoor-corpus-check: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := present(*dir); err != nil {
		fmt.Fprintln(stderr, "spoor-corpus-check:", err)
		return 2
	}
	checks := allChecks()
	failed := 0
	for _, c := range checks {
		start := time.Now()
		var r report
		if err := c.run(*dir, &r); err != nil {
			r.errorf("%v", err)
		}
		status := "ok"
		if len(r.problems) > 0 {
			status, failed = "FAIL", failed+1
		}
		fmt.Fprintf(stdout, "%-10s %-4s %s (%s)\n", c.name, status, r.summary, time.Since(start).Round(time.Millisecond))
		for i, p := range r.problems {
			if i == 20 {
				fmt.Fprintf(stdout, "    ... and %d more\n", len(r.problems)-i)
				break
			}
			fmt.Fprintln(stdout, "   ", p)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "spoor-corpus-check: %d of %d checks failed\n", failed, len(checks))
		return 1
	}
	return 0
}

// present reports, in one line, every corpus the checks need that dir
// lacks.
func present(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no corpora directory %s (set %s or -corpora to the shared corpora directory)", dir, corpora.EnvVar)
	}
	var missing []string
	for _, c := range allChecks() {
		for _, p := range c.needs {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				missing = append(missing, p)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("corpora %s: missing %s (set %s or -corpora to the shared corpora directory)", dir, strings.Join(missing, ", "), corpora.EnvVar)
}
