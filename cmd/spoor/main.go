package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes scripts rely on.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one spoor command line and returns the exit code. SIGINT and
// SIGTERM cancel the command's context, which every long-running command
// treats as "flush and stop".
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if u, ok := unknownCommand(err); ok {
		err = u
	}
	fmt.Fprintf(stderr, "spoor: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// usageError marks a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// unknownCommand turns cobra's error for an unknown command, a plain error
// of several lines ("Did you mean this?" and the suggestions below it), into
// a one-line usage error.
func unknownCommand(err error) (usageError, bool) {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if !strings.HasPrefix(lines[0], "unknown command ") {
		return usageError{}, false
	}
	var suggestions []string
	for _, l := range lines[1:] {
		if s, ok := strings.CutPrefix(l, "\t"); ok {
			suggestions = append(suggestions, s)
		}
	}
	msg := lines[0] + " (see spoor --help)"
	if len(suggestions) > 0 {
		msg = fmt.Sprintf("%s (did you mean %s?)", lines[0], strings.Join(suggestions, " or "))
	}
	return usageError{errors.New(msg)}, true
}
